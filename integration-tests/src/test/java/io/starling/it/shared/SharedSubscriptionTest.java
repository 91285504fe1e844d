package io.starling.it.shared;

import io.starling.it.kit.BrokerTest;
import io.starling.it.kit.HiveClient;
import io.starling.it.kit.Inbox;
import io.starling.it.kit.Msg;
import io.starling.it.kit.Packets;
import io.starling.it.kit.PahoV3Client;
import io.starling.it.kit.PahoV5Client;
import io.starling.it.kit.ProtocolVersion;
import io.starling.it.kit.RawClient;
import io.starling.it.kit.RawPacket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared subscriptions {@code $share/{group}/{filter}} ([MQTT-4.8.2]) for MQTT 3.1.1 and 5.0 members: each
 * message to exactly one member of each group, round robin, the remaining members taking over when one leaves.
 */
class SharedSubscriptionTest extends BrokerTest {

    @Test
    void eachMessageGoesToExactlyOneMemberInTurn_MQTT_4_8_2() {
        PahoV3Client member311 = pahoV3("member-311");
        HiveClient memberHive = hive("member-hive");
        PahoV5Client memberPaho5 = pahoV5("member-paho5");
        member311.subscribe("$share/workers/jobs/t", 1);
        memberHive.subscribe("$share/workers/jobs/t", 1);
        memberPaho5.subscribe("$share/workers/jobs/t", 1);
        PahoV3Client everything = pahoV3("non-shared");
        everything.subscribe("jobs/t", 1);
        PahoV3Client publisher = pahoV3("jobs-pub");

        for (int i = 0; i < 30; i++) {
            publisher.publish("jobs/t", "job" + i, 1, false);
        }

        assertThat(everything.inbox.awaitCount(30)).as("a non-shared subscription gets every message").hasSize(30);
        List<Inbox<Msg>> members = List.of(member311.inbox, memberHive.inbox, memberPaho5.inbox);
        List<String> delivered = awaitTotal(members, 30);
        assertThat(delivered).as("each message to exactly one member").doesNotHaveDuplicates().hasSize(30);
        assertThat(members).as("round robin: ten each").allSatisfy(inbox -> assertThat(inbox.size()).isEqualTo(10));
    }

    @Test
    void everyGroupGetsEveryMessageOnce_MQTT_4_8_2() {
        PahoV3Client a1 = pahoV3("a1");
        PahoV3Client a2 = pahoV3("a2");
        HiveClient b1 = hive("b1");
        a1.subscribe("$share/a/groups/t", 1);
        a2.subscribe("$share/a/groups/t", 1);
        b1.subscribe("$share/b/groups/t", 1);
        HiveClient publisher = hive("groups-pub");

        for (int i = 0; i < 10; i++) {
            publisher.publish("groups/t", "m" + i, 1, false);
        }

        assertThat(b1.inbox.awaitCount(10)).extracting(Msg::text).doesNotHaveDuplicates().hasSize(10);
        assertThat(awaitTotal(List.of(a1.inbox, a2.inbox), 10)).doesNotHaveDuplicates().hasSize(10);
    }

    @Test
    void remainingMembersTakeOverWhenOneDisconnects_MQTT_4_8_2() {
        RawClient leaving = rawConnected(ProtocolVersion.V3_1_1, "leaving-member");
        leaving.subscribe(1, "$share/pool/pool/t", 1);
        HiveClient staying = hive("staying-member");
        staying.subscribe("$share/pool/pool/t", 1);
        PahoV3Client publisher = pahoV3("pool-pub");
        for (int i = 0; i < 4; i++) {
            publisher.publish("pool/t", "before" + i, 1, false);
        }
        List<String> toLeaving = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawPacket.Publish publish = leaving.readPublish();
            leaving.send(Packets.pubAck(publish.packetId()));
            toLeaving.add(publish.payloadText());
        }
        staying.inbox.awaitCount(2);

        leaving.send(Packets.disconnect());
        leaving.awaitClosed(); // the server has handled the DISCONNECT
        for (int i = 0; i < 6; i++) {
            publisher.publish("pool/t", "after" + i, 1, false);
        }

        assertThat(staying.inbox.awaitCount(8)).extracting(Msg::text)
                .as("all later messages to the remaining member")
                .containsSubsequence("after0", "after1", "after2", "after3", "after4", "after5");
        assertThat(toLeaving).allMatch(text -> text.startsWith("before"));
    }

    @Test
    void remainingMembersTakeOverWhenOneIsLost_MQTT_4_8_2() {
        PahoV3Client watcher = pahoV3("lost-watcher");
        watcher.subscribe("pool-lost/gone", 1);
        RawClient lost = raw(ProtocolVersion.V5);
        lost.connectOk(Packets.connect(ProtocolVersion.V5, "lost-member").will("pool-lost/gone", "lost", 1, false));
        lost.subscribe(1, "$share/pool/pool-lost/t", 1);
        PahoV5Client staying = pahoV5("staying-member5");
        staying.subscribe("$share/pool/pool-lost/t", 1);

        lost.close();
        watcher.inbox.awaitCount(1); // the will: the server has handled the lost connection
        PahoV3Client publisher = pahoV3("pool-lost-pub");
        for (int i = 0; i < 6; i++) {
            publisher.publish("pool-lost/t", "m" + i, 1, false);
        }

        assertThat(staying.inbox.awaitCount(6)).extracting(Msg::text)
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5");
    }

    /** Waits until the inboxes together hold {@code total} messages and returns their payloads. */
    private static List<String> awaitTotal(List<Inbox<Msg>> inboxes, int total) {
        Awaitility.await("members receive " + total + " messages in all: " + inboxes)
                .dontCatchUncaughtExceptions()
                .until(() -> inboxes.stream().mapToInt(Inbox::size).sum() >= total);
        List<String> payloads = new ArrayList<>();
        inboxes.forEach(inbox -> payloads.addAll(inbox.map(Msg::text)));
        return payloads;
    }
}

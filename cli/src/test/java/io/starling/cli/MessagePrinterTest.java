package io.starling.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MessagePrinterTest {

    private static final Messages.Received TEXT = new Messages.Received("home/temp",
            "21.5 \u00b0C".getBytes(StandardCharsets.UTF_8), 1, true, Messages.Properties.NONE);

    @Test
    void payloadAloneWithLineBreak() {
        assertThat(print(new MessagePrinter(MessagePrinter.Format.PAYLOAD, true), TEXT)).isEqualTo("21.5 \u00b0C\n");
    }

    @Test
    void noNewlineLeavesPayloadsAdjacent() {
        MessagePrinter printer = new MessagePrinter(MessagePrinter.Format.PAYLOAD, false);
        assertThat(print(printer, TEXT, TEXT)).isEqualTo("21.5 \u00b0C21.5 \u00b0C");
    }

    @Test
    void verboseIsTopicSpacePayload() {
        assertThat(print(new MessagePrinter(MessagePrinter.Format.VERBOSE, true), TEXT))
                .isEqualTo("home/temp 21.5 \u00b0C\n");
    }

    @Test
    void jsonOfAMessageWithoutProperties() {
        assertThat(MessagePrinter.json(TEXT)).isEqualTo(
                "{\"topic\":\"home/temp\",\"qos\":1,\"retain\":true,\"payload\":\"21.5 \u00b0C\","
                        + "\"payloadEncoding\":\"utf8\"}");
    }

    @Test
    void jsonOfEveryProperty() {
        Messages.Properties properties = new Messages.Properties("application/octet-stream", "reply/to",
                new byte[] {(byte) 0xC3, 0x28}, List.of(new Messages.UserProperty("a", "1"),
                new Messages.UserProperty("a", "2")), 60L, 0);
        Messages.Received message = new Messages.Received("t", new byte[0], 0, false, properties);

        assertThat(MessagePrinter.json(message)).isEqualTo("{\"topic\":\"t\",\"qos\":0,\"retain\":false,"
                + "\"payload\":\"\",\"payloadEncoding\":\"utf8\",\"properties\":{\"payloadFormatIndicator\":0,"
                + "\"messageExpiryInterval\":60,\"contentType\":\"application/octet-stream\","
                + "\"responseTopic\":\"reply/to\",\"correlationData\":\"wyg=\",\"correlationDataEncoding\":\"base64\","
                + "\"userProperties\":[{\"key\":\"a\",\"value\":\"1\"},{\"key\":\"a\",\"value\":\"2\"}]}}");
    }

    @Test
    void invalidUtf8IsDetected() {
        assertThat(MessagePrinter.strictText(new byte[] {0x41, (byte) 0xC0, (byte) 0x80})).isEmpty(); // overlong NUL
        assertThat(MessagePrinter.strictText(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEmpty(); // surrogate
        assertThat(MessagePrinter.strictText("\u00e9\u20ac\ud83d\ude00".getBytes(StandardCharsets.UTF_8)))
                .contains("\u00e9\u20ac\ud83d\ude00");
    }

    private static String print(MessagePrinter printer, Messages.Received... messages) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        for (Messages.Received message : messages) {
            printer.print(message, out);
        }
        return text.toString();
    }
}

package io.starling.benchmarks.subscription;

import io.starling.broker.subscription.MatchResult;
import io.starling.broker.subscription.SubscriptionIndex;
import io.starling.codec.QoS;
import io.starling.codec.packet.SubscriptionOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@link SubscriptionIndex#match} (the routing step of every PUBLISH) with N subscriptions in a mix like a factory
 * deployment, built from a seeded {@link Random} so every run holds the same index:
 * <ul>
 *   <li>~80% literal filters {@code site/{s}/line/{l}/machine/{m}/{metric}};</li>
 *   <li>~15% with one '+' level, half at the machine level, half at the metric level;</li>
 *   <li>~5% {@code site/{s}/line/{l}/machine/{m}/#};</li>
 *   <li>N/20 distinct clients.</li>
 * </ul>
 * The number of sites grows with N (N/1000, at least 10), so the share of topics that have subscribers stays about
 * the same at every N. Three topics are measured: one nobody subscribes to, one with exactly one subscriber, and one
 * with a few (a literal, a '+' and a '#' subscription of different clients, plus whatever the mix adds).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class SubscriptionMatchBenchmark {

    static final String[] METRICS = {"temperature", "pressure", "humidity", "vibration", "speed", "power",
            "current", "voltage", "status", "count"};
    static final int LINES = 10;
    static final int MACHINES = 100;
    /** Bound on the random candidates tried when looking for a topic with a given number of subscribers. */
    private static final int SEARCH_LIMIT = 1_000_000;
    private static final String PUBLISHER = "publisher-0";

    @Param({"10000", "1000000"})
    public int subscriptions;

    private SubscriptionIndex index;
    private String topicNone;
    private String topicOne;
    private String topicFew;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(20261123L);
        int sites = Math.max(10, subscriptions / 1000);
        String[] clients = new String[Math.max(1, subscriptions / 20)];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = "client-" + i;
        }
        SubscriptionOptions options = SubscriptionOptions.of(QoS.AT_LEAST_ONCE);
        index = new SubscriptionIndex();
        String firstLiteral = null;
        // A repeated (client, filter) pair replaces the earlier one, so loop until the size is reached; 3N
        // attempts are far more than the few repeats this topic space produces.
        for (int attempt = 0; attempt < 3 * subscriptions && index.size() < subscriptions; attempt++) {
            String machine = "site/" + random.nextInt(sites) + "/line/" + random.nextInt(LINES)
                    + "/machine/" + random.nextInt(MACHINES);
            String metric = METRICS[random.nextInt(METRICS.length)];
            int kind = random.nextInt(100);
            String filter;
            if (kind < 80) {
                filter = machine + "/" + metric;
                if (firstLiteral == null) {
                    firstLiteral = filter;
                }
            } else if (kind < 88) {
                filter = machine.substring(0, machine.lastIndexOf('/') + 1) + "+/" + metric;
            } else if (kind < 95) {
                filter = machine + "/+";
            } else {
                filter = machine + "/#";
            }
            index.subscribe(clients[random.nextInt(clients.length)], filter, options, 0);
        }
        if (index.size() < subscriptions) {
            throw new IllegalStateException("built only " + index.size() + " subscriptions");
        }
        topicNone = findTopic(random, sites, 0);
        topicOne = findTopic(random, sites, 1);
        topicFew = addFew(firstLiteral, options);
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long usedMb = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
        System.out.printf("%n%d subscriptions, %d sites, heap used after setup ~%d MB; "
                        + "none=%s (%d) one=%s (%d) few=%s (%d)%n", index.size(), sites, usedMb,
                topicNone, count(topicNone), topicOne, count(topicOne), topicFew, count(topicFew));
    }

    /** A random topic of the deployment's topic space matched by exactly {@code wanted} subscribers. */
    private String findTopic(Random random, int sites, int wanted) {
        for (int i = 0; i < SEARCH_LIMIT; i++) {
            String topic = "site/" + random.nextInt(sites) + "/line/" + random.nextInt(LINES) + "/machine/"
                    + random.nextInt(MACHINES) + "/" + METRICS[random.nextInt(METRICS.length)];
            if (count(topic) == wanted) {
                return topic;
            }
        }
        throw new IllegalStateException("no topic with " + wanted + " subscribers in " + SEARCH_LIMIT + " tries");
    }

    /** Adds a literal, a '+' and a '#' subscription of three new clients on top of what the mix holds. */
    private String addFew(String literal, SubscriptionOptions options) {
        String machine = literal.substring(0, literal.lastIndexOf('/'));
        index.subscribe("few-literal", literal, options, 0);
        index.subscribe("few-plus", machine + "/+", options, 0);
        index.subscribe("few-hash", machine + "/#", options, 0);
        return literal;
    }

    private int count(String topic) {
        MatchResult result = index.match(topic, PUBLISHER);
        return result.subscribers().size();
    }

    @Benchmark
    public MatchResult matchNone() {
        return index.match(topicNone, PUBLISHER);
    }

    @Benchmark
    public MatchResult matchOne() {
        return index.match(topicOne, PUBLISHER);
    }

    @Benchmark
    public MatchResult matchFew() {
        return index.match(topicFew, PUBLISHER);
    }
}

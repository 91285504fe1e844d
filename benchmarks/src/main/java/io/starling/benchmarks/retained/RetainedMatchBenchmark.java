package io.starling.benchmarks.retained;

import io.starling.broker.retained.RetainedIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@link RetainedIndex#match} (the retained-message lookup a SUBSCRIBE triggers) over 1,000,000 retained topics
 * {@code site/{0..999}/line/{0..9}/machine/{0..9}/{10 metrics}}, so each site holds exactly 1,000 topics.
 * Measured filters: a literal topic (1 result), one with '+' at the line level (10 results), and
 * {@code site/{s}/#} (1,000 results).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class RetainedMatchBenchmark {

    private static final String[] METRICS = {"temperature", "pressure", "humidity", "vibration", "speed", "power",
            "current", "voltage", "status", "count"};
    private static final int SITES = 1000;
    private static final int LINES = 10;
    private static final int MACHINES = 10;

    static final String LITERAL = "site/500/line/5/machine/5/temperature";
    static final String PLUS_IN_MIDDLE = "site/500/line/+/machine/5/temperature";
    static final String SITE_HASH = "site/500/#";

    private RetainedIndex<Object> index;

    @Setup(Level.Trial)
    public void setUp() {
        index = new RetainedIndex<>();
        // One shared value: the index structure is measured, not the messages.
        Object message = new Object();
        for (int s = 0; s < SITES; s++) {
            for (int l = 0; l < LINES; l++) {
                for (int m = 0; m < MACHINES; m++) {
                    String prefix = "site/" + s + "/line/" + l + "/machine/" + m + "/";
                    for (String metric : METRICS) {
                        index.put(prefix + metric, message);
                    }
                }
            }
        }
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        long usedMb = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
        System.out.printf("%n%d retained topics, heap used after setup ~%d MB; results: literal=%d plus=%d hash=%d%n",
                index.size(), usedMb, index.match(LITERAL).size(), index.match(PLUS_IN_MIDDLE).size(),
                index.match(SITE_HASH).size());
    }

    @Benchmark
    public List<Object> literal() {
        return index.match(LITERAL);
    }

    @Benchmark
    public List<Object> plusInMiddle() {
        return index.match(PLUS_IN_MIDDLE);
    }

    @Benchmark
    public List<Object> siteHash() {
        return index.match(SITE_HASH);
    }
}

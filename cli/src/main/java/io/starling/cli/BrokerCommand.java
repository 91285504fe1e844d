package io.starling.cli;

import ch.qos.logback.classic.Level;
import io.starling.broker.Broker;
import io.starling.broker.BrokerStartException;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigException;
import io.starling.broker.config.ConfigLoader;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.broker.config.StorageConfig;
import io.starling.broker.storage.BrokerStore;
import io.starling.broker.storage.Durability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** {@code starling broker}: runs the broker in the foreground until Ctrl-C or SIGTERM. */
@Command(name = "broker", mixinStandardHelpOptions = true, versionProvider = StarlingVersion.class,
        sortOptions = false,
        description = "Runs the Starling MQTT broker (MQTT 3.1, 3.1.1 and 5.0) until stopped with Ctrl-C or SIGTERM. "
                + "Settings come from the flags, then the --config file, then the defaults (127.0.0.1:1883).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped",
                "1:the configuration, the password file or the ACL file is invalid, or a listener cannot bind",
                "2:invalid options"})
public final class BrokerCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);

    /** The levels --log-level accepts. */
    enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file (see docs/configuration.md). Default: none, built-in defaults.")
    Path configFile;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address of the first listener, over the file: 0.0.0.0 for every interface. "
                    + "Default: 127.0.0.1.")
    String bind;

    @Option(names = "--port", paramLabel = "N",
            description = "Port of the first listener, over the file; 0 picks a free port. Default: 1883.")
    Integer port;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Password file (create it with `starling passwd`): clients must log in with a user name "
                    + "and password from it. Over the file's security.password-file. Default: none, every client "
                    + "is let in.")
    Path passwordFile;

    @Option(names = "--acl-file", paramLabel = "FILE",
            description = "ACL file (Mosquitto's acl_file format): which topics each client may publish to and "
                    + "read; everything else is denied. Over the file's security.acl-file. Default: none.")
    Path aclFile;

    @Option(names = "--allow-anonymous",
            description = "With a password file, also let in clients without user name and password. "
                    + "Over the file's security.allow-anonymous. Default: refused.")
    boolean allowAnonymous;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of the store, over the file's storage.data-directory. Default: ./data.")
    Path dataDirectory;

    @Option(names = "--durability", paramLabel = "MODE",
            description = "sync (acknowledge only once on disk), periodic (log flushed every flush-interval) or "
                    + "none (memory only), over the file's storage.durability. Default: sync.")
    String durability;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "Log level: error, warn, info, debug or trace. Default: info.")
    LogLevel logLevel;

    /** Called once every listener accepts connections; tests use it to learn the port. */
    Consumer<Broker> onStarted = broker -> { };

    @Override
    public Integer call() throws Exception {
        if (logLevel != null) {
            setRootLogLevel(logLevel);
        }
        BrokerConfig config = effectiveConfig();
        BrokerSecurity security = BrokerSecurity.from(config.security());
        Broker broker;
        try {
            broker = start(config, security, BrokerStorage.open(config.storage()));
        } catch (RuntimeException e) {
            security.close();
            throw e;
        }
        LOG.info("Starling {} listening on {}", StarlingVersion.version(), describeListeners(config, broker));
        LOG.info(BrokerStorage.describe(config.storage()));
        LOG.info(security.describe());
        String exposed = security.exposureWarning(broker.localAddresses());
        if (exposed != null) {
            LOG.warn(exposed);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable stop = () -> {
            LOG.info("Stopping");
            broker.close();
            security.close();
            LOG.info("Stopped");
            stopped.countDown();
        };
        return ShutdownHook.during("starling-broker-stop", stop, () -> {
            onStarted.accept(broker);
            try {
                stopped.await();
            } catch (InterruptedException interrupted) {
                // Not a signal: the thread running the command was interrupted (an embedding program, a test).
                broker.close();
                security.close();
                Thread.currentThread().interrupt();
            }
            return 0;
        });
    }

    private BrokerConfig effectiveConfig() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new ParameterException(spec.commandLine(), "--port must be 0..65535: " + port);
        }
        BrokerConfig fromFile;
        try {
            fromFile = configFile == null ? BrokerConfig.DEFAULT : ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            throw new CliException(e.getMessage(), e);
        }
        BrokerConfig withAddress = applyFlags(fromFile, bind, port);
        BrokerConfig withStorage = applyStorageFlags(withAddress, dataDirectory, durability);
        return applySecurityFlags(withStorage, passwordFile, aclFile, allowAnonymous);
    }

    /** Flags win over the file: --data-dir and --durability replace storage.data-directory and durability. */
    BrokerConfig applyStorageFlags(BrokerConfig config, Path directory, String mode) {
        StorageConfig storage = config.storage();
        if (directory != null) {
            storage = storage.withDataDirectory(directory.toString());
        }
        if (mode != null) {
            Durability parsed = switch (mode.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "sync" -> Durability.SYNC;
                case "periodic" -> Durability.PERIODIC;
                case "none" -> Durability.NONE;
                default -> throw new ParameterException(spec.commandLine(),
                        "--durability must be sync, periodic or none: " + mode);
            };
            storage = storage.withDurability(parsed);
        }
        return storage == config.storage() ? config : config.withStorage(storage);
    }

    /** Flags win over the file: --password-file and --acl-file replace its paths, --allow-anonymous sets it. */
    static BrokerConfig applySecurityFlags(BrokerConfig config, Path passwordFile, Path aclFile,
                                           boolean allowAnonymous) {
        if (passwordFile == null && aclFile == null && !allowAnonymous) {
            return config;
        }
        SecurityConfig file = config.security();
        return config.withSecurity(file.withFiles(
                passwordFile != null ? passwordFile.toString() : file.passwordFile(),
                aclFile != null ? aclFile.toString() : file.aclFile(),
                allowAnonymous || file.allowAnonymous()));
    }

    /** Flags win over the file: --bind and --port replace the first listener's address. */
    static BrokerConfig applyFlags(BrokerConfig config, String bind, Integer port) {
        if (bind == null && port == null) {
            return config;
        }
        List<ListenerConfig> listeners = new ArrayList<>(config.listeners());
        ListenerConfig first = listeners.get(0);
        // Only the address: the listener's type, TLS and other settings from the file stay.
        listeners.set(0, first.withAddress(bind != null ? bind : first.bind(), port != null ? port : first.port()));
        return new BrokerConfig(listeners, config.connection(), config.session(), config.features(),
                config.shutdownGracePeriod(), config.security(), config.storage());
    }

    private static Broker start(BrokerConfig config, BrokerSecurity security, BrokerStore store) {
        try {
            return Broker.start(config, security.authenticator(), security.authorizer(),
                    security.enhancedAuthenticators(), store);
        } catch (BrokerStartException e) {
            // "listener default cannot bind 127.0.0.1:1883: Address already in use": the cause only when it adds.
            String message = Errors.withoutSystemCall(Errors.oneLine(e.getMessage()));
            String cause = e.getCause() == null ? "" : Errors.rootCauseMessage(e.getCause());
            throw new CliException("cannot start: " + message
                    + (cause.isEmpty() || message.contains(cause) ? "" : ": " + cause), e);
        }
    }

    /** {@code default 127.0.0.1:1883, lan 0.0.0.0:1884}: names from the configuration, ports as bound. */
    static String describeListeners(BrokerConfig config, Broker broker) {
        List<InetSocketAddress> bound = broker.localAddresses();
        return IntStream.range(0, bound.size())
                .mapToObj(i -> (i < config.listeners().size() ? config.listeners().get(i).name() + " " : "")
                        + bound.get(i).getHostString() + ":" + bound.get(i).getPort())
                .collect(Collectors.joining(", "));
    }

    private static void setRootLogLevel(LogLevel level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.toLevel(level.name()));
        }
    }
}

package io.starling.broker.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a broker configuration from YAML. Keys are the record components of {@link BrokerConfig} and its parts in
 * kebab-case ({@code connection.receive-maximum}); every key not given keeps its value from
 * {@link BrokerConfig#DEFAULT}. Durations are written {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h},
 * {@code 2d} or as plain seconds; enum values in kebab-case ({@code drop-oldest}).
 *
 * <p>Anything the loader does not understand is an error, never silently ignored: an operator who mistypes a key
 * must learn it at start-up, not when the limit they thought they set fails to apply. Every error is a
 * {@link ConfigException} with a one-line message naming the file and the key.
 */
public final class ConfigLoader {

    /** How {@link #parse(String)} names its input in error messages. */
    static final String INLINE_SOURCE = "inline configuration";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ConfigLoader() {
    }

    /** Reads the file over the defaults. */
    public static BrokerConfig load(Path yamlFile) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(yamlFile);
            // A strict decoder: a file in another encoding is reported, not read with replacement characters.
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(yamlFile + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(yamlFile + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new ConfigException(yamlFile + ": cannot read: " + e, e);
        }
        return parse(text, yamlFile.toString());
    }

    /** Reads YAML text over the defaults; errors name the input "inline configuration". */
    public static BrokerConfig parse(String yaml) {
        return parse(yaml, INLINE_SOURCE);
    }

    /** Reads YAML text over the defaults; {@code sourceName} (usually the file name) starts every error message. */
    public static BrokerConfig parse(String yaml, String sourceName) {
        JsonNode root = readTree(yaml, sourceName);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return BrokerConfig.DEFAULT; // an empty file, or one with only comments
        }
        if (!root.isObject()) {
            throw new ConfigException(sourceName + ": expected a mapping of keys at the top level, found "
                    + RecordBinder.describe(root));
        }
        BrokerConfig config = new RecordBinder(sourceName).bind(BrokerConfig.class, root, BrokerConfig.DEFAULT, "");
        requireDistinctListenerNames(config, sourceName);
        return config;
    }

    /** Every key the file may set, as dotted paths ({@code connection.receive-maximum}, {@code listeners[].port}). */
    public static List<String> keyPaths() {
        return RecordBinder.keyPaths(BrokerConfig.class, "");
    }

    private static JsonNode readTree(String yaml, String sourceName) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw new ConfigException(sourceName + ": invalid YAML" + at + ": " + oneLine(e.getOriginalMessage()), e);
        }
    }

    private static void requireDistinctListenerNames(BrokerConfig config, String sourceName) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < config.listeners().size(); i++) {
            String name = config.listeners().get(i).name();
            if (!seen.add(name)) {
                throw new ConfigException(sourceName + ": listeners[" + i + "].name: '" + name
                        + "' is already used by another listener; give each listener its own name");
            }
        }
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String firstLine = message.strip().lines().findFirst().orElse("");
        return firstLine.replaceAll("\\s+", " ");
    }
}

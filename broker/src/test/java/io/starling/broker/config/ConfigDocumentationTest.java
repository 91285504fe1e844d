package io.starling.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Keeps docs/starling.example.yaml, docs/configuration.md and the README in step with the configuration records.
 */
class ConfigDocumentationTest {

    private static final Path DOCS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath()
            .resolve("../docs").normalize();

    @Test
    void exampleFileLoadsAndShowsExactlyTheDefaults() {
        assertThat(ConfigLoader.load(DOCS.resolve("starling.example.yaml"))).isEqualTo(BrokerConfig.DEFAULT);
    }

    @Test
    void exampleFileSetsEveryKey() throws Exception {
        JsonNode example = new YAMLMapper().readTree(DOCS.resolve("starling.example.yaml").toFile());
        for (String keyPath : ConfigLoader.keyPaths()) {
            assertThat(lookup(example, keyPath)).as("key %s in starling.example.yaml", keyPath).isNotNull();
        }
    }

    @Test
    void configurationReferenceDocumentsEveryKey() throws Exception {
        String reference = Files.readString(DOCS.resolve("configuration.md"));
        for (String keyPath : ConfigLoader.keyPaths()) {
            assertThat(reference).as("configuration.md documents %s", keyPath).contains("`" + keyPath + "`");
        }
    }

    @Test
    void everyYamlExampleInTheDocumentationLoads() throws Exception {
        for (Path document : new Path[] {DOCS.resolve("configuration.md"), DOCS.resolve("security.md"),
                DOCS.resolve("../README.md").normalize()}) {
            List<String> examples = yamlBlocks(Files.readString(document));
            assertThat(examples).as("YAML examples in %s", document).isNotEmpty();
            for (String example : examples) {
                assertThatCode(() -> ConfigLoader.parse(example, document.getFileName().toString()))
                        .as("example in %s:%n%s", document, example)
                        .doesNotThrowAnyException();
            }
        }
    }

    @Test
    void fullExampleInTheReferenceIsTheDefaults() throws Exception {
        String reference = Files.readString(DOCS.resolve("configuration.md"));
        String fullExample = yamlBlocks(reference.substring(reference.indexOf("## Full example"))).get(0);

        assertThat(ConfigLoader.parse(fullExample)).isEqualTo(BrokerConfig.DEFAULT);
    }

    private static List<String> yamlBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher matcher = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (matcher.find()) {
            blocks.add(matcher.group(1));
        }
        return blocks;
    }

    /** Follows a dotted key path; {@code name[]} looks into the first element of a list. */
    private static JsonNode lookup(JsonNode node, String keyPath) {
        JsonNode current = node;
        for (String part : keyPath.split("\\.")) {
            if (current == null) {
                return null;
            }
            if (part.endsWith("[]")) {
                JsonNode list = current.get(part.substring(0, part.length() - 2));
                current = list == null || list.isEmpty() ? null : list.get(0);
            } else {
                current = current.get(part);
            }
        }
        return current;
    }
}

package io.starling.it.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/conformance.md honest: every test the table names as {@code Module:fully.qualified.Class#method} must
 * exist as a test method in that module's {@code src/test/java}. The check reads source text only (no class of
 * Starling or of the tests is loaded), so it is fast and does not depend on the broker's runtime.
 */
class ConformanceTableTest {

    /** {@code module:package.Class#method}; the module is a directory next to this one. */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\b([a-z][a-z0-9-]*):((?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*)#([A-Za-z_][A-Za-z0-9_]*)");

    /** A JUnit annotation that makes a method a test. */
    private static final Pattern TEST_ANNOTATION =
            Pattern.compile("@(Test|ParameterizedTest|RepeatedTest|TestFactory|TestTemplate)\\b");

    /** A row of a statement table: it starts with a statement id. */
    private static final Pattern STATEMENT_ROW = Pattern.compile("^\\|\\s*MQTT-\\d+\\.\\d+\\.\\d+-\\d+\\s*\\|");

    private record Reference(String module, String className, String method) {
        @Override
        public String toString() {
            return module + ":" + className + "#" + method;
        }
    }

    /** The integration-tests module directory: Maven runs tests there and says so in {@code basedir}. */
    private static Path moduleDirectory() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    private static Path projectDirectory() {
        return moduleDirectory().getParent();
    }

    private static String table() throws IOException {
        Path table = projectDirectory().resolve("docs").resolve("conformance.md");
        assertThat(table).as("the conformance table %s", table).isRegularFile();
        return Files.readString(table, StandardCharsets.UTF_8);
    }

    @Test
    void everyTestTheTableNamesExists() throws IOException {
        Set<Reference> references = new LinkedHashSet<>();
        Matcher matcher = REFERENCE.matcher(table());
        while (matcher.find()) {
            references.add(new Reference(matcher.group(1), matcher.group(2), matcher.group(3)));
        }

        assertThat(references).as("test references in docs/conformance.md (none found: has the format changed?)")
                .isNotEmpty();
        List<String> dangling = new ArrayList<>();
        for (Reference reference : references) {
            String problem = problemWith(reference);
            if (problem != null) {
                dangling.add(reference + ": " + problem);
            }
        }
        assertThat(dangling).as("tests named in docs/conformance.md that do not exist").isEmpty();
    }

    @Test
    void everyStatementRowHasFiveCellsAndSaysHowItIsTested() throws IOException {
        List<String> broken = new ArrayList<>();
        for (String line : table().split("\n")) {
            if (!STATEMENT_ROW.matcher(line).find()) {
                continue;
            }
            String[] cells = line.trim().split("\\|", -1);
            // A row "| a | b | c | d | e |" splits into an empty first and last part around the five cells.
            if (cells.length != 7 || cells[5].isBlank()) {
                broken.add(line);
            }
        }
        assertThat(broken).as("statement rows without exactly five cells or with an empty tests cell").isEmpty();
    }

    /** Why the reference does not name an existing test method, or null when it does. */
    private static String problemWith(Reference reference) throws IOException {
        Path module = projectDirectory().resolve(reference.module());
        if (!Files.isDirectory(module)) {
            return "no module directory " + module;
        }
        Path source = module.resolve(Path.of("src", "test", "java"))
                .resolve(reference.className().replace('.', '/') + ".java");
        if (!Files.isRegularFile(source)) {
            return "no test source " + source;
        }
        String text = Files.readString(source, StandardCharsets.UTF_8);
        Matcher declaration = Pattern.compile("\\bvoid\\s+" + Pattern.quote(reference.method()) + "\\s*\\(")
                .matcher(text);
        if (!declaration.find()) {
            return "no method void " + reference.method() + "(...) in " + source.getFileName();
        }
        if (!TEST_ANNOTATION.matcher(declarationPreamble(text, declaration.start())).find()) {
            return reference.method() + " is not annotated as a test";
        }
        return null;
    }

    /**
     * The lines just above a method declaration, back to the end of the previous member: its annotations and
     * comment. Annotation arguments may hold braces ({@code @CsvSource({...})}), so members are told apart by
     * lines, not by brace counting: a line that is a lone "}", ends a statement with ";", or opens a block
     * without being an annotation ends the search. Bounded to 60 lines.
     */
    private static String declarationPreamble(String text, int declarationStart) {
        String[] lines = text.substring(0, declarationStart).split("\n", -1);
        StringBuilder preamble = new StringBuilder(lines[lines.length - 1]);
        for (int i = lines.length - 2, seen = 0; i >= 0 && seen < 60; i--, seen++) {
            String line = lines[i].trim();
            if (line.equals("}") || line.endsWith(";") || (line.endsWith("{") && !line.startsWith("@"))) {
                break;
            }
            preamble.insert(0, line + "\n");
        }
        return preamble.toString();
    }
}

package io.starling.security;

import io.starling.security.AclFile.Access;
import io.starling.security.AclFile.Rule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AclFileTest {
    private static final Path SOURCE = Path.of("/etc/starling/acl");

    private static AclFile parse(String text) {
        return AclFile.parse(SOURCE, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rulesBeforeAnyUserLineFormTheAnonymousSection() {
        AclFile acl = parse("""
                # comment
                topic read public/#
                topic deny public/secret

                user alice
                topic write alice/out
                pattern read users/%u/#
                user bob
                topic bob/#
                user alice
                topic read more/alice
                """);

        assertThat(acl.anonymousRules()).containsExactly(new Rule(Access.READ, "public/#", 2),
                new Rule(Access.DENY, "public/secret", 3));
        assertThat(acl.userRules().get("alice")).containsExactly(new Rule(Access.WRITE, "alice/out", 6),
                new Rule(Access.READ, "more/alice", 11));
        assertThat(acl.userRules().get("bob")).containsExactly(new Rule(Access.READWRITE, "bob/#", 9));
        assertThat(acl.patterns()).containsExactly(new Rule(Access.READ, "users/%u/#", 7));
    }

    @Test
    void wordsAreReadAsMosquittoReadsThem() {
        AclFile acl = parse("topic read\n"                       // one word: the filter, readwrite
                + "topic   write    with spaces/ok   \n"        // the filter is the rest, trimmed
                + "   topic deny x\t\n"                          // leading spaces and trailing blanks are fine
                + "user   john doe  \n"                          // user names may contain spaces
                + "topic readwrite   #\n");

        assertThat(acl.anonymousRules()).containsExactly(new Rule(Access.READWRITE, "read", 1),
                new Rule(Access.WRITE, "with spaces/ok", 2), new Rule(Access.DENY, "x", 3));
        assertThat(acl.userRules()).containsOnlyKeys("john doe");
        assertThat(acl.userRules().get("john doe")).containsExactly(new Rule(Access.READWRITE, "#", 5));
    }

    @Test
    void everyInvalidLineIsReportedWithFileAndLineAndTheFileIsRefused() {
        String text = "topic read ok\n"
                + "foo bar\n"                    // 2 unknown keyword
                + "  # indented comment\n"       // 3 '#' must be the first character
                + "topic\tread\tx\n"             // 4 tabs do not separate words
                + "Topic read x\n"               // 5 keywords are case sensitive
                + "topic\n"                      // 6 no filter
                + "topic readonly x\n"           // 7 bad access
                + "topic read a/#/b\n"           // 8 '#' not last
                + "pattern write a+/%c\n"        // 9 '+' not a whole level
                + "user\n"                       // 10 no user name
                + "topic a b\n";                 // 11 two words: the first must be an access

        assertThatThrownBy(() -> parse(text))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining("invalid ACL file " + SOURCE + " (10 errors)")
                .satisfies(e -> assertThat(((SecurityFileException) e).problems()).containsExactly(
                        SOURCE + ":2: unknown keyword 'foo' (expected topic, pattern or user; words are separated by spaces)",
                        SOURCE + ":3: unknown keyword '#' (expected topic, pattern or user; words are separated by spaces)",
                        SOURCE + ":4: unknown keyword 'topic\tread\tx' (expected topic, pattern or user; words are separated by spaces)",
                        SOURCE + ":5: unknown keyword 'Topic' (expected topic, pattern or user; words are separated by spaces)",
                        SOURCE + ":6: no topic filter",
                        SOURCE + ":7: invalid access 'readonly' (expected read, write, readwrite or deny)",
                        SOURCE + ":8: invalid topic filter 'a/#/b': '#' must be the whole last level",
                        SOURCE + ":9: invalid topic filter 'a+/%c': '+' must be a whole level",
                        SOURCE + ":10: 'user' without a user name",
                        SOURCE + ":11: invalid access 'a' (expected read, write, readwrite or deny)"));
    }

    @Test
    void nonUtf8LineIsAnError() {
        byte[] content = {'t', 'o', 'p', 'i', 'c', ' ', (byte) 0xFF, '\n'};

        assertThatThrownBy(() -> AclFile.parse(SOURCE, content))
                .isInstanceOf(SecurityFileException.class)
                .hasMessageContaining(SOURCE + ":1: not valid UTF-8");
    }

    @Test
    void emptyFileIsValidAndGrantsNothing() {
        AclFile acl = parse("# nothing\n\n   \n\t\n");

        assertThat(acl.anonymousRules()).isEmpty();
        assertThat(acl.userRules()).isEmpty();
        assertThat(acl.patterns()).isEmpty();
    }

    @Test
    void accessGrantsOnlyWhatItSays() {
        assertThat(Access.READWRITE.grants(Access.READ)).isTrue();
        assertThat(Access.READWRITE.grants(Access.WRITE)).isTrue();
        assertThat(Access.READ.grants(Access.WRITE)).isFalse();
        assertThat(Access.WRITE.grants(Access.READ)).isFalse();
        assertThat(Access.DENY.grants(Access.READ)).isFalse();
        assertThat(Access.DENY.grants(Access.DENY)).isFalse();
    }
}

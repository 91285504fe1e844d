package io.starling.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Line handling shared by the password-file and ACL-file parsers, with Mosquitto's notion of white space. */
final class TextLines {
    private TextLines() {
    }

    /** One line of a file: its 1-based number and its text, or null text when the bytes are not UTF-8. */
    record Line(int number, String text) {
    }

    /** Splits at '\n' (a '\r' before it is dropped), decoding each line as strict UTF-8. */
    static List<Line> split(byte[] content) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int number = 1;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                if (i == content.length && start == i) {
                    break; // no text after the last newline
                }
                int end = i;
                if (end > start && content[end - 1] == '\r') {
                    end--;
                }
                lines.add(new Line(number++, decode(content, start, end)));
                start = i + 1;
            }
        }
        return lines;
    }

    private static String decode(byte[] content, int start, int end) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content, start, end - start))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** C's isspace in the "C" locale, which is what Mosquitto trims with. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    static String trimEnd(String text) {
        int end = text.length();
        while (end > 0 && isSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}

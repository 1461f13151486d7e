package dev.duplex.hub;

/** Cleans a requested display name: control characters dropped, trimmed, at most 40 code points; null if empty. */
final class DisplayNames {
    static final int MAX_CODE_POINTS = 40;

    private DisplayNames() {
    }

    static String clean(String requested) {
        if (requested == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        requested.codePoints().filter(cp -> !Character.isISOControl(cp) && cp != 0xFFFD).forEach(b::appendCodePoint);
        String s = b.toString().strip();
        if (s.isEmpty()) {
            return null;
        }
        if (s.codePointCount(0, s.length()) > MAX_CODE_POINTS) {
            s = s.substring(0, s.offsetByCodePoints(0, MAX_CODE_POINTS)).strip();
        }
        return s;
    }
}

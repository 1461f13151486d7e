package dev.duplex.hub;

/** The topic name rule: 1-64 characters of {@code [A-Za-z0-9._:-]}, not starting with '.'; case-sensitive. */
final class TopicNames {
    static final int MAX_LENGTH = 64;

    private TopicNames() {
    }

    static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH || name.charAt(0) == '.') {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

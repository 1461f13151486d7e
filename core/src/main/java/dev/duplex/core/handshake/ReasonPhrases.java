package dev.duplex.core.handshake;

/** Standard reason phrases for the statuses the handshake writes. Stateless. */
final class ReasonPhrases {

    private ReasonPhrases() {}

    static String of(int status) {
        switch (status) {
            case 101: return "Switching Protocols";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 408: return "Request Timeout";
            case 414: return "URI Too Long";
            case 426: return "Upgrade Required";
            case 429: return "Too Many Requests";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 505: return "HTTP Version Not Supported";
            default:
                return status >= 500 ? "Server Error" : status >= 400 ? "Client Error" : "Status " + status;
        }
    }
}

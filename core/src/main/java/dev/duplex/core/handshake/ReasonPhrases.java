package dev.duplex.core.handshake;

/** Standard reason phrases (RFC 9110) for HTTP statuses, for servers that write their own responses. Stateless. */
public final class ReasonPhrases {

    private ReasonPhrases() {}

    /** The standard phrase for {@code status}, or a generic one ("Client Error", "Server Error") when it has none here. */
    public static String of(int status) {
        switch (status) {
            case 101: return "Switching Protocols";
            case 200: return "OK";
            case 201: return "Created";
            case 202: return "Accepted";
            case 204: return "No Content";
            case 301: return "Moved Permanently";
            case 302: return "Found";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 409: return "Conflict";
            case 413: return "Content Too Large";
            case 415: return "Unsupported Media Type";
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
                return status >= 500 ? "Server Error" : status >= 400 ? "Client Error"
                        : status >= 300 ? "Redirection" : status >= 200 ? "Success" : "Status " + status;
        }
    }
}

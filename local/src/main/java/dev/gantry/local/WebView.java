package dev.gantry.local;

import dev.gantry.api.ApiRequest;
import dev.gantry.api.ApiResponse;
import dev.gantry.api.Problem;
import dev.gantry.api.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * {@code gantry serve}'s web view of sessions: static pages from the class path ({@value #RESOURCES})
 * that call the same HTTP API with {@code fetch()} and the bearer token the user typed, kept in the
 * browser's {@code sessionStorage}. The pages hold no data, so they are served without a token; the
 * API behind them keeps its authentication, and so does {@link #RENDER_PATH}.
 *
 * <p>It answers {@code GET /} (the sessions), {@code GET /ui/<file>} and {@code POST} {@value
 * #RENDER_PATH}; every other request goes to the {@link Router}. Every answer carries a strict
 * {@code Content-Security-Policy} ({@value #CONTENT_SECURITY_POLICY}: no inline script, nothing from
 * another origin), {@code X-Content-Type-Options: nosniff} and {@code Referrer-Policy: no-referrer};
 * errors are problem+json like the API's.
 *
 * <p>Markdown documents are rendered here with commonmark-java (GitHub-style tables included), raw HTML escaped and unsafe link
 * targets dropped, from the bytes the browser posts: the ones it fetched from the API and whose
 * SHA-256 it checked, so what is shown is exactly the bytes that check was about (a mismatch is
 * shown too, marked as one in red, so a reviewer sees what changed). No renderer is shipped to the
 * browser: there is no front-end build step and nothing to fetch from the internet.
 */
final class WebView {
  /** Where the pages are on the class path. */
  static final String RESOURCES = "dev/gantry/local/web/";
  /** The prefix of the web view's files; the API has no route under it. */
  static final String PREFIX = "/ui/";
  /** The page {@code GET /} answers with: the sessions. */
  static final String INDEX = "index.html";
  /** Renders a posted Markdown document as HTML (a token required, the body at most {@link Router#MAX_BODY_BYTES}). */
  static final String RENDER_PATH = "/ui/render/markdown";
  /**
   * Scripts, styles and images from this server only, requests to this server only; no plugin, frame,
   * form target or base URL elsewhere.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9-]{0,40}\\.(html|css|js|svg)");
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "css", "text/css; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "svg", "image/svg+xml");

  private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();
  private static final List<Extension> MARKDOWN_EXTENSIONS = List.of(TablesExtension.create());

  private final Parser parser = Parser.builder().extensions(MARKDOWN_EXTENSIONS).build();
  private final HtmlRenderer renderer = HtmlRenderer.builder().extensions(MARKDOWN_EXTENSIONS).escapeHtml(true).sanitizeUrls(true)
      .build();

  /** Whether the web view, not the router, answers {@code method} on {@code path}. */
  boolean answers(String method, String path) {
    return ("GET".equals(method) && ("/".equals(path) || path.startsWith(PREFIX)))
        || ("POST".equals(method) && RENDER_PATH.equals(path));
  }

  /** Whether the request needs a bearer token: only rendering does; the pages hold no data. */
  boolean requiresCaller(String method, String path) {
    return "POST".equals(method) && RENDER_PATH.equals(path);
  }

  /** 401 for a request to {@link #RENDER_PATH} without a valid token, as the API answers. */
  ApiResponse unauthorized(String path) {
    return secured(ApiResponse.problem(Problem.Kind.UNAUTHORIZED.of(
        "send Authorization: Bearer <token> with the token gantry serve printed", path, "Authorization"),
        Map.of("WWW-Authenticate", "Bearer realm=\"gantry\"")));
  }

  /** The answer to a request {@link #answers} is true for; a caller is present when {@link #requiresCaller} is. */
  ApiResponse answer(ApiRequest request) {
    String path = request.path();
    if (RENDER_PATH.equals(path)) {
      return secured(render(request));
    }
    String name = "/".equals(path) ? INDEX : path.substring(PREFIX.length());
    Optional<byte[]> file = FILE.matcher(name).matches() ? files.computeIfAbsent(name, WebView::read) : Optional.empty();
    if (file.isEmpty()) {
      return secured(ApiResponse.problem(Problem.Kind.NOT_FOUND.of("the web view has no file '" + name
          + "': open / for the sessions", path, null), Map.of()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
    headers.put("Cache-Control", "no-cache");
    return secured(new ApiResponse(200, headers, file.get(), null));
  }

  private ApiResponse render(ApiRequest request) {
    if (request.bodyTooLarge()) {
      return ApiResponse.problem(Problem.Kind.PAYLOAD_TOO_LARGE.of("a document rendered here may hold at most "
          + Router.MAX_BODY_BYTES + " bytes: download it instead", request.path(), null), Map.of());
    }
    String type = request.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (!type.startsWith("text/markdown")) {
      return ApiResponse.problem(Problem.Kind.UNSUPPORTED_MEDIA_TYPE.of(
          "send the document as Content-Type: text/markdown", request.path(), "Content-Type"), Map.of());
    }
    String html = renderer.render(parser.parse(new String(request.body(), StandardCharsets.UTF_8)));
    return new ApiResponse(200, Map.of("Content-Type", "text/html; charset=utf-8", "Cache-Control", "no-store"),
        html.getBytes(StandardCharsets.UTF_8), null);
  }

  /** {@code response} with the web view's security headers. */
  private static ApiResponse secured(ApiResponse response) {
    return response.withHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer");
  }

  private static Optional<byte[]> read(String name) {
    try (InputStream in = WebView.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the web view's " + name + " from the class path", e);
    }
  }
}

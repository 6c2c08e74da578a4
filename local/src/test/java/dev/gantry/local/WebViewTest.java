package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.ApiRequest;
import dev.gantry.api.ApiResponse;
import dev.gantry.api.Caller;
import dev.gantry.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The web view's pages and its Markdown rendering, without a server. */
class WebViewTest {
  private final WebView web = new WebView();

  private static ApiRequest get(String path) {
    return new ApiRequest("GET", path, "", Map.of(), new byte[0], false, Optional.empty());
  }

  private static ApiRequest render(String markdown) {
    return new ApiRequest("POST", WebView.RENDER_PATH, "", Map.of("Content-Type", "text/markdown; charset=utf-8"),
        markdown.getBytes(StandardCharsets.UTF_8), false, Optional.of(Caller.withEveryPermission("local:tester")));
  }

  private static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void it_answers_the_root_and_its_own_prefix_and_leaves_every_other_request_to_the_router() {
    assertThat(web.answers("GET", "/")).isTrue();
    assertThat(web.answers("GET", "/ui/app.js")).isTrue();
    assertThat(web.answers("POST", WebView.RENDER_PATH)).isTrue();
    assertThat(web.answers("POST", "/")).isFalse();
    assertThat(web.answers("GET", "/sessions")).isFalse();
    assertThat(web.answers("GET", "/health")).isFalse();
    assertThat(web.requiresCaller("GET", "/ui/session.html")).isFalse();
    assertThat(web.requiresCaller("POST", WebView.RENDER_PATH)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/ui/index.html", "/ui/session.html", "/ui/app.js", "/ui/sessions.js", "/ui/session.js", "/ui/app.css"})
  void each_file_is_served_with_its_type_and_a_strict_content_security_policy(String path) {
    ApiResponse page = web.answer(get(path));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().get("Content-Type")).startsWith(path.endsWith(".js") ? "text/javascript"
        : path.endsWith(".css") ? "text/css" : "text/html");
    assertThat(page.headers().get("Content-Security-Policy")).contains("default-src 'none'", "script-src 'self'")
        .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("http");
    assertThat(page.headers()).containsEntry("X-Content-Type-Options", "nosniff").containsEntry("Referrer-Policy", "no-referrer");
  }

  @ParameterizedTest
  @ValueSource(strings = {"index.html", "session.html"})
  void the_pages_parse_without_html_errors_and_hold_no_inline_script_or_style(String name) {
    Parser parser = Parser.htmlParser().setTrackErrors(50);
    Document page = Jsoup.parse(text(web.answer(get("/ui/" + name))), "", parser);

    assertThat(parser.getErrors()).as("HTML parse errors").isEmpty();
    assertThat(page.select("script")).allSatisfy(s -> {
      assertThat(s.attr("src")).startsWith("/ui/");
      assertThat(s.data()).isBlank();
    });
    assertThat(page.select("[style], style")).isEmpty();
    assertThat(page.select("*").stream().flatMap(e -> e.attributes().asList().stream())
        .filter(a -> a.getKey().startsWith("on"))).as("inline event handlers").isEmpty();
    assertThat(page.select("link[rel=stylesheet], script[src]")).allSatisfy(e -> assertThat(e.attr("href") + e.attr("src")).startsWith("/ui/"));
    for (Element label : page.select("label[for]")) {
      assertThat(page.getElementById(label.attr("for"))).as("label for=" + label.attr("for")).isNotNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ui/nothing.js", "/ui/../pom.xml", "/ui/dev/gantry/local/WebView.class", "/ui/"})
  void an_unknown_file_is_a_problem_never_a_class_path_resource(String path) {
    ApiResponse missing = web.answer(get(path));

    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.headers().get("Content-Type")).isEqualTo("application/problem+json");
    assertThat(Json.tree(text(missing)).path("detail").asText()).contains("open / for the sessions");
  }

  @Test
  void markdown_is_rendered_with_raw_html_escaped_and_unsafe_links_dropped() {
    ApiResponse rendered = web.answer(render("# Plan\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        + "[click](javascript:alert(3)) and [docs](https://example.com/a) and `code`\n\n| Need | Service |\n|---|---|\n| Files | <b>S3</b> |\n"));

    assertThat(rendered.status()).isEqualTo(200);
    assertThat(rendered.headers().get("Content-Type")).isEqualTo("text/html; charset=utf-8");
    Document html = Jsoup.parseBodyFragment(text(rendered));
    assertThat(html.select("h1").text()).isEqualTo("Plan");
    assertThat(html.select("script, img, b")).isEmpty();
    assertThat(html.text()).contains("<script>alert(1)</script>");
    assertThat(html.select("a").eachAttr("href")).containsExactly("", "https://example.com/a");
    assertThat(html.select("code").text()).isEqualTo("code");
    assertThat(html.select("table td").eachText()).containsExactly("Files", "<b>S3</b>");
  }

  @Test
  void rendering_takes_only_markdown_and_at_most_the_api_body_limit() {
    ApiRequest json = new ApiRequest("POST", WebView.RENDER_PATH, "", Map.of("Content-Type", "application/json"), "{}".getBytes(
        StandardCharsets.UTF_8), false, Optional.of(Caller.withEveryPermission("local:tester")));
    ApiRequest large = new ApiRequest("POST", WebView.RENDER_PATH, "", Map.of("Content-Type", "text/markdown"), new byte[0], true,
        Optional.of(Caller.withEveryPermission("local:tester")));

    assertThat(web.answer(json).status()).isEqualTo(415);
    assertThat(web.answer(large).status()).isEqualTo(413);
    assertThat(web.unauthorized(WebView.RENDER_PATH).status()).isEqualTo(401);
    assertThat(web.unauthorized(WebView.RENDER_PATH).headers().get("WWW-Authenticate")).startsWith("Bearer");
  }
}

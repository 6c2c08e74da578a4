import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load on gantry serve over loopback, in three phases, printing achieved rate, latency percentiles
 * and status counts for each:
 * 1. reads (GET /sessions/{id}, GET /sessions) at READ_RPS while STARTS_PER_S POST /sessions run;
 * 2. a burst of BURST requests as fast as 32 threads send them (above the rate limit: 429s expected);
 * 3. SLOW unauthenticated connections that send half a body and stall, while /health is timed.
 *
 *   java bench/ApiLoad.java URL TOKEN REPO [SECONDS] [READ_RPS] [STARTS_PER_S] [BURST] [SLOW]
 */
public class ApiLoad {
  record Sample(long nanos, int status) {}

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    URI api = URI.create(args[0]);
    String token = args[1];
    String repo = args[2];
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    int readRps = args.length > 4 ? Integer.parseInt(args[4]) : 50;
    int startsPerSecond = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    int burst = args.length > 6 ? Integer.parseInt(args[6]) : 400;
    int slow = args.length > 7 ? Integer.parseInt(args[7]) : 250;
    String start = "{\"goal\":\"Serve Gantry's session API on AWS\",\"repository\":{\"path\":\"" + repo.replace("\"", "") + "\"}}";

    // a session to read
    String id = send(api, token, "POST", "/sessions", start).body().replaceAll("(?s).*\"sessionId\":\"([^\"]+)\".*", "$1");

    List<Sample> reads = new CopyOnWriteArrayList<>();
    List<Sample> starts = new CopyOnWriteArrayList<>();
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
    ExecutorService workers = Executors.newFixedThreadPool(64);
    AtomicInteger tick = new AtomicInteger();
    long phaseStarted = System.nanoTime();
    clock.scheduleAtFixedRate(() -> workers.submit(() -> reads.add(timed(api, token, "GET",
        tick.getAndIncrement() % 5 == 0 ? "/sessions?limit=20" : "/sessions/" + id, null))),
        0, 1_000_000 / readRps, TimeUnit.MICROSECONDS);
    clock.scheduleAtFixedRate(() -> workers.submit(() -> starts.add(timed(api, token, "POST", "/sessions", start))),
        0, 1_000_000 / startsPerSecond, TimeUnit.MICROSECONDS);
    Thread.sleep(seconds * 1000L);
    clock.shutdownNow();
    workers.shutdown();
    workers.awaitTermination(60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - phaseStarted) / 1e9;
    report("reads while starts run", reads, elapsed);
    report("starts (POST /sessions)", starts, elapsed);

    // 2. burst
    List<Sample> burstSamples = Collections.synchronizedList(new ArrayList<>());
    ExecutorService burstPool = Executors.newFixedThreadPool(32);
    long burstStarted = System.nanoTime();
    for (int i = 0; i < burst; i++) {
      burstPool.submit(() -> burstSamples.add(timed(api, token, "GET", "/sessions/" + id, null)));
    }
    burstPool.shutdown();
    burstPool.awaitTermination(120, TimeUnit.SECONDS);
    report("burst of " + burst, burstSamples, (System.nanoTime() - burstStarted) / 1e9);

    // 3. slow bodies
    Thread.sleep(3000); // let the bucket refill
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < slow; i++) {
      try {
        Socket s = new Socket(api.getHost(), api.getPort());
        OutputStream out = s.getOutputStream();
        out.write(("POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"goal\":")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        sockets.add(s);
      } catch (Exception e) {
        break;
      }
    }
    List<Sample> health = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      health.add(timed(api, null, "GET", "/health", null));
      Thread.sleep(50);
    }
    report("GET /health under " + sockets.size() + " stalled connections", health, 0);
    for (Socket s : sockets) {
      s.close();
    }
  }

  static HttpResponse<String> send(URI api, String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static Sample timed(URI api, String token, String method, String path, String body) {
    long t0 = System.nanoTime();
    int status;
    try {
      status = send(api, token, method, path, body).statusCode();
    } catch (Exception e) {
      status = -1;
    }
    return new Sample(System.nanoTime() - t0, status);
  }

  static void report(String name, List<Sample> samples, double seconds) {
    long[] ms = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
    Map<Integer, Integer> statuses = new TreeMap<>();
    samples.forEach(s -> statuses.merge(s.status(), 1, Integer::sum));
    System.out.printf("%-45s n=%5d%s  p50 %6.1f ms  p95 %6.1f ms  p99 %6.1f ms  statuses %s%n", name, ms.length,
        seconds > 0 ? String.format("  %.1f/s", ms.length / seconds) : "", pct(ms, 50), pct(ms, 95), pct(ms, 99), statuses);
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
  }
}

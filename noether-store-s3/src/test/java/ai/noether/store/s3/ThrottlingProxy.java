package ai.noether.store.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP hop on 127.0.0.1 in front of S3Proxy: while it has throttles left, it answers a
 * request with {@code 503 SlowDown} (as AWS does) and closes the connection; afterwards it forwards
 * each request to S3Proxy with {@code Connection: close} added (one request per connection, so that
 * throttling applies per request) and the rest byte for byte. The signature stays valid: the SDK
 * does not sign the Connection header.
 */
final class ThrottlingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final AtomicInteger throttlesLeft = new AtomicInteger();
  private final AtomicInteger throttled = new AtomicInteger();
  private final Thread acceptor;

  ThrottlingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "throttling-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The next {@code n} requests are answered 503 SlowDown. */
  void throttleNext(int n) {
    throttlesLeft.set(n);
    throttled.set(0);
  }

  /** How many requests were answered 503 since the last {@link #throttleNext}. */
  int throttled() {
    return throttled.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> handle(client), "throttling-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      if (throttlesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        answerSlowDown(client);
        return;
      }
      String head = readHead(client.getInputStream());
      try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
        // One request per connection: the server closes after answering, so the client's next
        // request comes on a new connection and can be throttled in turn.
        target
            .getOutputStream()
            .write(withConnectionClose(head).getBytes(StandardCharsets.ISO_8859_1));
        Thread up = new Thread(() -> pipe(client, target), "throttling-proxy-up");
        up.setDaemon(true);
        up.start();
        pipe(target, client);
        up.join(10_000);
      }
    } catch (IOException | InterruptedException e) {
      // The client or S3Proxy closed the connection: nothing to forward any more.
    }
  }

  private void answerSlowDown(Socket client) throws IOException {
    InputStream in = client.getInputStream();
    String head = readHead(in);
    String lower = head.toLowerCase(Locale.ROOT);
    // Without "Expect: 100-continue" the body is already on its way: read it, so that closing the
    // socket does not reset the connection before the client has read the 503.
    if (!lower.contains("expect: 100-continue")) {
      long length = contentLength(lower);
      in.skipNBytes(length);
    }
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
                + "<Message>Please reduce your request rate.</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    // Counted before the answer leaves: the client may act on it (and the test read the count) at
    // once.
    throttled.incrementAndGet();
    OutputStream out = client.getOutputStream();
    out.write(
        ("HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    client.shutdownOutput();
  }

  private static String withConnectionClose(String head) {
    StringBuilder out = new StringBuilder();
    for (String line : head.split("\r\n")) {
      if (!line.isEmpty() && !line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
        out.append(line).append("\r\n");
      }
    }
    return out.append("Connection: close\r\n\r\n").toString();
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static long contentLength(String lowerHead) {
    for (String line : lowerHead.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        return Long.parseLong(line.substring("content-length:".length()).trim());
      }
    }
    return 0;
  }

  private static void pipe(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // One side went away.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}

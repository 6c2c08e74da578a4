package dev.gantry.config;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Removes the {@code Expect: 100-continue} header the S3 client adds to uploads.
 *
 * <p>With the URL-connection HTTP client, an upload that reuses a keep-alive connection the server
 * has closed fails inside the JDK's 100-continue handshake with {@code SocketException: Unexpected
 * end of file from server}, wrapped in an {@code UncheckedIOException} that the SDK does not retry
 * (aws/aws-sdk-java-v2 issues 6670 and 6578). Gantry's documents are small, so waiting for a
 * 100-continue before sending the body buys nothing; without the header the request goes through
 * the SDK's normal, retried path.
 */
public final class NoExpectContinue implements ExecutionInterceptor {
  @Override
  public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
    SdkHttpRequest request = context.httpRequest();
    return request.firstMatchingHeader("Expect").isPresent() ? request.toBuilder().removeHeader("Expect").build() : request;
  }
}

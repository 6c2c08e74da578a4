package dev.gantry.api;

/**
 * Who made an authenticated request, as the transport established it: in AWS from the API
 * Gateway authorizer's context (IAM user ARN or JWT claims), locally from the bearer token.
 *
 * @param id the identity written into audit entries, such as {@code iam:arn:aws:iam::1:user/ana},
 *     {@code jwt:https://issuer|subject} or {@code local:ana}
 */
public record Caller(String id) {}

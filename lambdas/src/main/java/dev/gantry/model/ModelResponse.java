package dev.gantry.model;

/**
 * A model's answer to one {@link ModelRequest}.
 *
 * @param output the assistant message (text and/or tool requests)
 * @param stopReason why generation stopped
 * @param usage tokens this call consumed
 */
public record ModelResponse(Message output, StopReason stopReason, TokenUsage usage) {}

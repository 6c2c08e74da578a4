package dev.gantry.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A tool offered to the model, as in Converse's {@code ToolSpecification}.
 *
 * @param name the tool's name, {@code [a-zA-Z0-9_-]{1,64}}
 * @param description what it does, read by the model
 * @param inputSchema a JSON Schema object describing the tool's input
 */
public record ToolSpec(String name, String description, JsonNode inputSchema) {}

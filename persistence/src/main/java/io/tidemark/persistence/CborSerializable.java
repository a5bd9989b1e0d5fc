package io.tidemark.persistence;

/**
 * Marker for every message that crosses the wire or reaches the journal: commands, replies, events
 * and state of the entities in this module. {@code reference.conf} binds it to Pekko's {@code
 * jackson-cbor} serializer. Implementations are Java records; they are compiled with {@code
 * -parameters}, so Jackson creates them through their canonical constructors.
 */
public interface CborSerializable {}

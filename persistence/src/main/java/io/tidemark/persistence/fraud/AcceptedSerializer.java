package io.tidemark.persistence.fraud;

import io.tidemark.streams.event.Transaction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The binary form of {@link UserFraud.Accepted}, the event the fraud entity writes for every
 * accepted transaction: a fixed layout of the transaction, the alerts and the retention horizon,
 * written and read without reflection. Every accepted transaction pays for one, so it is kept
 * cheaper than the Jackson CBOR that the entity's other messages and its snapshots use. Events
 * written earlier in CBOR stay readable: each journal row names the serializer that wrote it.
 */
public final class AcceptedSerializer extends SerializerWithStringManifest {

  /** The serializer's id in the journal's {@code event_ser_id} column. */
  public static final int IDENTIFIER = 7301;

  static final String ACCEPTED_V1 = "A1";

  public AcceptedSerializer(ExtendedActorSystem system) {}

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof UserFraud.Accepted) {
      return ACCEPTED_V1;
    }
    throw new IllegalArgumentException("not a fraud event: " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    UserFraud.Accepted event = (UserFraud.Accepted) o;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(event.offset());
      TransactionAccepted accepted = event.accepted();
      out.writeLong(accepted.retainAfterTs());
      Transaction txn = accepted.transaction();
      out.writeUTF(txn.txnId());
      out.writeUTF(txn.userId());
      out.writeDouble(txn.amount());
      writeNullable(out, txn.currency());
      out.writeUTF(txn.country());
      out.writeLong(txn.ts());
      out.writeInt(accepted.alerts().size());
      for (FraudAlert alert : accepted.alerts()) {
        out.writeUTF(alert.alertId());
        writeNullable(out, alert.userId());
        out.writeUTF(alert.txnId());
        out.writeLong(alert.txnTs());
        writeStrings(out, alert.countries());
        writeStrings(out, alert.txnIds());
        writeNullable(out, alert.rule());
        out.writeLong(alert.detectedAt());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!ACCEPTED_V1.equals(manifest)) {
      throw new NotSerializableException("unknown fraud event manifest " + manifest);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      long offset = in.readLong();
      long retainAfterTs = in.readLong();
      Transaction txn =
          new Transaction(
              in.readUTF(),
              in.readUTF(),
              in.readDouble(),
              readNullable(in),
              in.readUTF(),
              in.readLong());
      int count = in.readInt();
      List<FraudAlert> alerts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        alerts.add(
            new FraudAlert(
                in.readUTF(),
                readNullable(in),
                in.readUTF(),
                in.readLong(),
                readStrings(in),
                readStrings(in),
                readNullable(in),
                in.readLong()));
      }
      return new UserFraud.Accepted(new TransactionAccepted(txn, alerts, retainAfterTs), offset);
    } catch (IOException e) {
      NotSerializableException failure =
          new NotSerializableException("corrupt fraud event: " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private static void writeNullable(DataOutputStream out, String value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeUTF(value);
    }
  }

  private static String readNullable(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  private static void writeStrings(DataOutputStream out, List<String> values) throws IOException {
    out.writeInt(values.size());
    for (String value : values) {
      out.writeUTF(value);
    }
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    int count = in.readInt();
    List<String> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(in.readUTF());
    }
    return values;
  }
}

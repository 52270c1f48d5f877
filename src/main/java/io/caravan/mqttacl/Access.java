package io.caravan.mqttacl;

/** The {@code acc} of an ACL callback (mosquitto's MOSQ_ACL_* values). */
public enum Access {
    /** 1: a message on this topic is about to be delivered to the client. */
    READ(1),
    /** 2: the client publishes on this topic. */
    WRITE(2),
    /** 3: read and write (mosquitto-go-auth's MOSQ_ACL_READWRITE). */
    READWRITE(3),
    /** 4: the client subscribes with this filter (wildcards included). */
    SUBSCRIBE(4);

    private final int code;

    Access(final int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The access for an {@code acc} value; IllegalArgumentException for anything else. */
    public static Access of(final int code) {
        for (final Access a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        throw new IllegalArgumentException("acc must be 1, 2, 3 or 4, got " + code);
    }

    public static Access parse(final String value) {
        if (value == null || value.isEmpty() || value.length() > 3) {
            throw new IllegalArgumentException("acc missing or malformed");
        }
        if (!value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("acc is not a number: " + value);
        }
        return of(Integer.parseInt(value));
    }
}

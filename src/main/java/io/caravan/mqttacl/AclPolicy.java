package io.caravan.mqttacl;

import java.util.List;
import java.util.Set;

/**
 * The ACL decision: may this identity (with this client id) read, write or subscribe this topic?
 * Pure: the caller supplies the devices a user owns. Fail closed on anything unexpected.
 */
public final class AclPolicy {

    private static final String DEVICE_LEVEL = "%d";

    private final AclTemplates templates;

    public AclPolicy(final AclTemplates templates) {
        this.templates = templates;
    }

    public boolean allowed(final Identity who, final String clientId, final String topic, final Access access,
            final Set<String> ownedDevices) {
        if (who.kind() == Identity.Kind.SUPERUSER) {
            return access == Access.SUBSCRIBE ? TopicFilters.isValidFilter(topic) : TopicFilters.isValidTopic(topic);
        }
        if (!MqttNames.isSafeUsername(who.username())) {
            return false;
        }
        final boolean valid = access == Access.SUBSCRIBE ? TopicFilters.isValidFilter(topic) : TopicFilters.isValidTopic(topic);
        if (!valid || topic.startsWith("$SYS")) {
            return false;
        }
        final String client = clientId == null || clientId.equals(MqttNames.LEGACY_NO_CLIENT_ID) ? "" : clientId;
        if (!MqttNames.isSafeClientId(client)) {
            return false;
        }
        return switch (access) {
            case READ, SUBSCRIBE -> anyCovers(readGrants(who.kind()), who, client, topic, ownedDevices);
            case WRITE -> anyCovers(writeGrants(who.kind()), who, client, topic, ownedDevices);
            case READWRITE -> anyCovers(readGrants(who.kind()), who, client, topic, ownedDevices)
                    && anyCovers(writeGrants(who.kind()), who, client, topic, ownedDevices);
        };
    }

    private List<String> readGrants(final Identity.Kind kind) {
        return switch (kind) {
            case DEVICE -> templates.deviceRead();
            case USER -> templates.userRead();
            case SERVICE -> templates.serviceRead();
            case SUPERUSER -> List.of("#");
        };
    }

    private List<String> writeGrants(final Identity.Kind kind) {
        return switch (kind) {
            case DEVICE -> templates.deviceWrite();
            case USER -> templates.userWrite();
            case SERVICE -> templates.serviceWrite();
            case SUPERUSER -> List.of("#");
        };
    }

    private static boolean anyCovers(final List<String> grants, final Identity who, final String client,
            final String topic, final Set<String> owned) {
        for (final String template : grants) {
            if (covers(template, who, client, topic, owned)) {
                return true;
            }
        }
        return false;
    }

    private static boolean covers(final String template, final Identity who, final String client, final String topic,
            final Set<String> owned) {
        if (template.contains("%c") && client.isEmpty()
                || template.contains("%s") && !MqttNames.isSafeUsername(who.subject())) {
            return false;
        }
        final String base = template.replace("%u", who.username()).replace("%s", who.subject()).replace("%c", client);
        if (!base.contains("%d")) {
            return TopicFilters.covers(base, topic);
        }
        if (owned == null || owned.isEmpty()) {
            return false;
        }
        // %d fills a whole level: take the device id from the same level of the request.
        final String[] levels = TopicFilters.split(base);
        final String[] requested = TopicFilters.split(topic);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals(DEVICE_LEVEL)) {
                if (i >= requested.length) {
                    return false;
                }
                final String device = requested[i];
                if (device.equals("+") || device.equals("#") || !owned.contains(device)) {
                    return false;
                }
                return TopicFilters.covers(base.replace(DEVICE_LEVEL, device), topic);
            }
        }
        // %d inside a level: expand per owned device
        for (final String device : owned) {
            if (TopicFilters.covers(base.replace(DEVICE_LEVEL, device), topic)) {
                return true;
            }
        }
        return false;
    }
}

/*
 * Test fixture: a minimal Mosquitto 2.0 plugin (API v5) that speaks mosquitto-auth-plug's HTTP
 * backend protocol byte for byte (see be-http.c of jpmens/mosquitto-auth-plug, summarised in
 * FACTS.md), so that a real Mosquitto consults Caravan's callbacks in tests. The real plugins are
 * not Debian packages; this is not one either, and is not meant for production.
 *
 *   auth_plugin  <dir>/http-auth-fixture.so
 *   auth_opt_http_base http://127.0.0.1:8090
 *
 * Like the real plugin: always POST, form body
 *   username=<esc>&password=<esc>&topic=<esc>&acc=<n>&clientid=<raw>
 * with Authorization: Basic user:pass and no Expect header; /auth (acc -1, empty topic and client
 * id), /superuser before every /acl, /acl with client id "client id not available" (raw spaces);
 * an empty password is refused locally; 2xx allows, anything else denies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

static mosquitto_plugin_id_t *plugin_id;
static char base[512];

static size_t discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	(void)ptr; (void)userdata;
	return size * nmemb;
}

static long post(const char *path, const char *username, const char *password, const char *topic, int acc, const char *clientid)
{
	CURL *curl = curl_easy_init();
	long code = 0;
	char url[1024], *data;
	char *eu, *ep, *et;
	struct curl_slist *headers = NULL;
	size_t len;

	if (curl == NULL) return 0;
	eu = curl_easy_escape(curl, username, 0);
	ep = curl_easy_escape(curl, password, 0);
	et = curl_easy_escape(curl, topic, 0);
	len = strlen(eu) + strlen(ep) + strlen(et) + strlen(clientid) + 64;
	data = malloc(len);
	snprintf(data, len, "username=%s&password=%s&topic=%s&acc=%d&clientid=%s", eu, ep, et, acc, clientid);
	snprintf(url, sizeof(url), "%s%s", base, path);
	headers = curl_slist_append(headers, "Expect:");
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_POST, 1L);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
	curl_easy_setopt(curl, CURLOPT_USERNAME, username);
	curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
	if (curl_easy_perform(curl) == CURLE_OK) {
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	}
	mosquitto_log_printf(MOSQ_LOG_INFO, "http-auth-fixture: POST %s user=%s acc=%d topic=%s clientid=%s -> %ld", path, username, acc, topic, clientid, code);
	curl_slist_free_all(headers);
	curl_free(eu); curl_free(ep); curl_free(et);
	free(data);
	curl_easy_cleanup(curl);
	return code;
}

static int ok(long code) { return code >= 200 && code < 300; }

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_basic_auth *ed = event_data;
	(void)event; (void)userdata;
	if (ed->username == NULL || ed->password == NULL || ed->password[0] == '\0') {
		return MOSQ_ERR_AUTH;
	}
	return ok(post("/auth", ed->username, ed->password, "", -1, "")) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_AUTH;
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	const char *username = mosquitto_client_username(ed->client);
	(void)event; (void)userdata;
	if (ed->access == MOSQ_ACL_UNSUBSCRIBE) return MOSQ_ERR_SUCCESS;
	if (username == NULL) return MOSQ_ERR_ACL_DENIED;
	if (ok(post("/superuser", username, "", "", -1, ""))) return MOSQ_ERR_SUCCESS;
	return ok(post("/acl", username, "", ed->topic, ed->access, "client id not available")) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	(void)supported_version_count; (void)supported_versions;
	return 5;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **user_data, struct mosquitto_opt *opts, int opt_count)
{
	int i;
	(void)user_data;
	plugin_id = identifier;
	snprintf(base, sizeof(base), "http://127.0.0.1:8090");
	for (i = 0; i < opt_count; i++) {
		if (strcmp(opts[i].key, "http_base") == 0) snprintf(base, sizeof(base), "%s", opts[i].value);
	}
	curl_global_init(CURL_GLOBAL_ALL);
	mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL);
	mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL);
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *user_data, struct mosquitto_opt *opts, int opt_count)
{
	(void)user_data; (void)opts; (void)opt_count;
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	curl_global_cleanup();
	return MOSQ_ERR_SUCCESS;
}

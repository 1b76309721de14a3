/*
 * fuzz_json.c — libFuzzer target for request-body parsing: api_parse_json_object()
 * must accept only a JSON object, reject everything else with a Chinese message,
 * and never crash or leak.
 */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "api/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = NULL;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = api_parse_json_object((const char *)data, size, &obj, &ei);
	if (e == ZX_OK) {
		assert(json_is_object(obj));
		/* Exercise the field walk the handlers do. */
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v)
		{
			if (json_is_string(v))
				assert(strlen(json_string_value(v)) <= json_string_length(v));
		}
		json_decref(obj);
	} else {
		assert(obj == NULL);
		assert(ei.message[0] != '\0');
	}
	return 0;
}

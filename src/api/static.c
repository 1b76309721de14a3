/*
 * static.c — the embedded UI: exact-path lookup in the asset table (no file system,
 * so no path traversal), ETag/If-None-Match, gzip when accepted, and a strict
 * Content-Security-Policy on HTML.
 */
#include <string.h>

#include "api/api.h"
#include "api/assets.h"

#define CSP                                                                                                  \
	"default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "            \
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "          \
	"base-uri 'self'; form-action 'self'"

static const zx_asset *find_asset(const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (int i = 0; i < zx_assets_count; i++)
		if (strcmp(zx_assets[i].path, path) == 0)
			return &zx_assets[i];
	return NULL;
}

void zx_api_static(zx_req *req, zx_resp *resp, void *ctx)
{
	(void)ctx;
	const zx_asset *a = strncmp(req->path, "/api/", 5) == 0 ? NULL : find_asset(req->path);
	if (!a) {
		zx_api_render_error(req, resp, ZX_ENOTFOUND);
		return;
	}
	req->route_label = "static";
	bool html = strncmp(a->content_type, "text/html", 9) == 0;
	zx_resp_header(resp, req, "ETag", a->etag);
	/* Vendor files never change under the same name within a build; the app's own files
	 * are revalidated with the ETag so a new build is picked up at once. */
	zx_resp_header(resp, req, "Cache-Control",
	               strncmp(a->path, "/vendor/", 8) == 0 ? "public, max-age=86400" : "no-cache");
	zx_resp_header(resp, req, "Vary", "Accept-Encoding");
	if (html)
		zx_resp_header(resp, req, "Content-Security-Policy", CSP);
	resp->content_type = a->content_type;
	const char *inm = zx_req_header(req, "If-None-Match");
	if (inm && strcmp(inm, a->etag) == 0) {
		resp->status = 304;
		resp->static_data = "";
		resp->static_len = 0;
		return;
	}
	const char *ae = zx_req_header(req, "Accept-Encoding");
	resp->status = 200;
	if (ae && strstr(ae, "gzip") && a->gz_len < a->len) {
		zx_resp_header(resp, req, "Content-Encoding", "gzip");
		resp->static_data = a->gz;
		resp->static_len = a->gz_len;
	} else {
		resp->static_data = a->data;
		resp->static_len = a->len;
	}
}

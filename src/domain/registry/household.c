/*
 * household.c — see household.h.
 */
#include "domain/registry/household.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/mask.h"

typedef struct sealed {
	char enc[128];
	char bidx[ZX_BIDX_HEX_LEN + 1];
	char masked[40];
} sealed;

static zx_err seal(const zx_keys *k, const char *plain, bool phone, sealed *out)
{
	memset(out, 0, sizeof(*out));
	if (!plain || !*plain)
		return ZX_OK;
	zx_err e = zx_field_encrypt(k, plain, out->enc, sizeof(out->enc));
	if (e)
		return e;
	zx_blind_index(k, plain, out->bidx);
	if (phone)
		zx_mask_phone(plain, out->masked, sizeof(out->masked));
	else
		zx_mask_id(plain, out->masked, sizeof(out->masked));
	return ZX_OK;
}

static zx_val tri(int v)
{
	return v < 0 ? ZX_NULLV : ZX_INT(v);
}

zx_err zx_household_insert(zx_conn *c, const zx_keys *k, const char *county6, const zx_household_rec *h,
                           int64_t *id_out)
{
	int64_t now = zx_now();
	zx_err e = zx_exec(
	    c, NULL, ZXQ_household_insert,
	    ZX_ARGS(ZX_TEXT(county6), ZX_TEXT(h->village), ZX_TEXT(h->hh_no), ZX_TEXT(h->group),
	            ZX_TEXT(h->n > 0 ? h->m[0].name : ""), ZX_TEXT(h->hh_type), ZX_TEXT(h->category),
	            h->tuopin_year > 0 ? ZX_INT(h->tuopin_year) : ZX_NULLV, tri(h->housing_safe),
	            tri(h->water_safe), ZX_TEXT(h->risk_type), ZX_TEXT(h->helper), ZX_INT(h->n), ZX_INT(now)),
	    NULL);
	if (e)
		return e;
	int64_t hid = zx_last_insert_id(c);
	for (int i = 0; !e && i < h->n; i++) {
		const zx_person_rec *p = &h->m[i];
		sealed id, ph;
		e = seal(k, p->id_number, false, &id);
		if (!e)
			e = seal(k, p->phone, true, &ph);
		if (!e)
			e = zx_exec(c, NULL, ZXQ_person_insert,
			            ZX_ARGS(ZX_TEXT(county6), ZX_INT(hid), ZX_TEXT(h->village), ZX_INT(i + 1),
			                    ZX_TEXT(p->name), ZX_TEXT(id.enc), ZX_TEXT(id.bidx),
			                    ZX_TEXT(id.masked), ZX_TEXT(p->relation), ZX_TEXT(p->gender),
			                    ZX_INT(p->birth_ymd), ZX_TEXT(p->nation), ZX_TEXT(p->education),
			                    ZX_TEXT(p->school), ZX_TEXT(p->health), ZX_TEXT(p->disability),
			                    ZX_TEXT(p->labor), ZX_TEXT(p->work),
			                    p->work_months >= 0 ? ZX_INT(p->work_months) : ZX_NULLV,
			                    tri(p->insured), ZX_TEXT(ph.enc), ZX_TEXT(ph.masked)),
			            NULL);
	}
	if (!e && id_out)
		*id_out = hid;
	return e;
}

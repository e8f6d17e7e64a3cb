/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SHA-1 as FIPS 180-4 section 6.1 describes it (include/fwkit/sha1.h): 64-byte
 * blocks, an 80-word schedule, big-endian words, the message padded with 0x80,
 * zeros and its length in bits. Checked against the RFC 3174 vectors in
 * tests/test_base.c.
 */
#include <fwkit/sha1.h>

#include <string.h>

static uint32_t rol(uint32_t x, unsigned int n)
{
	return x << n | x >> (32 - n);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* f and K of round t (FIPS 180-4 4.1.1 and 4.2.1). */
static uint32_t round_f(unsigned int t, uint32_t b, uint32_t c, uint32_t d, uint32_t *k)
{
	if (t < 20) {
		*k = 0x5A827999u;
		return (b & c) | (~b & d);
	}
	if (t < 40) {
		*k = 0x6ED9EBA1u;
		return b ^ c ^ d;
	}
	if (t < 60) {
		*k = 0x8F1BBCDCu;
		return (b & c) | (b & d) | (c & d);
	}
	*k = 0xCA62C1D6u;
	return b ^ c ^ d;
}

static void compress(uint32_t h[5], const uint8_t block[64])
{
	uint32_t w[80], v[5], k, f, tmp;

	for (unsigned int t = 0; t < 16; t++)
		w[t] = get_be32(block + 4 * t);
	for (unsigned int t = 16; t < 80; t++)
		w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	memcpy(v, h, sizeof(v));
	for (unsigned int t = 0; t < 80; t++) {
		f = round_f(t, v[1], v[2], v[3], &k);
		tmp = rol(v[0], 5) + f + v[4] + k + w[t];
		v[4] = v[3];
		v[3] = v[2];
		v[2] = rol(v[1], 30);
		v[1] = v[0];
		v[0] = tmp;
	}
	for (unsigned int i = 0; i < 5; i++)
		h[i] += v[i];
}

void fw_sha1_init(struct fw_sha1 *s)
{
	static const uint32_t iv[5] = { 0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u,
					0xC3D2E1F0u };

	memcpy(s->h, iv, sizeof(iv));
	s->bytes = 0;
	s->fill = 0;
}

void fw_sha1_update(struct fw_sha1 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->bytes += len;
	while (len) {
		size_t n = sizeof(s->block) - s->fill;

		if (n > len)
			n = len;
		memcpy(s->block + s->fill, p, n);
		s->fill += n;
		p += n;
		len -= n;
		if (s->fill == sizeof(s->block)) {
			compress(s->h, s->block);
			s->fill = 0;
		}
	}
}

void fw_sha1_final(struct fw_sha1 *s, uint8_t out[FW_SHA1_LEN])
{
	uint64_t bits = s->bytes * 8;
	uint8_t pad = 0x80, len[8];

	for (unsigned int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	fw_sha1_update(s, &pad, 1);
	pad = 0;
	while (s->fill != 56)
		fw_sha1_update(s, &pad, 1);
	fw_sha1_update(s, len, sizeof(len));
	for (unsigned int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

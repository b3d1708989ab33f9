package openreferral

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// The three taxonomies, fixed for every deployment so consumers can rely on them.
const (
	AreasID      = "ccbfa3f6-2193-4cbf-b474-881806863ebb"
	CategoriesID = "c7b95c91-8910-4c31-b6c1-f03569a90de9"
	AudiencesID  = "3624ec84-936c-4aca-ad2a-d406a6d30a30"
)

// derivedID is the UUID (version 5, RFC 9562) named name within the namespace parent (a
// UUID in its text form): the id of something that has no row of its own, as stable as its
// parent's.
func derivedID(parent, name string) string {
	ns, ok := parseUUID(parent)
	if !ok {
		panic("openreferral: not a UUID: " + parent)
	}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return formatUUID(u)
}

// parseUUID reads a UUID written in its canonical form (any case).
func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(u[:], []byte(hexDigits)); err != nil {
		return u, false
	}
	return u, true
}

// ValidUUID reports whether s is a UUID in its canonical form.
func ValidUUID(s string) bool {
	_, ok := parseUUID(s)
	return ok
}

func formatUUID(u [16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:])
}

// DerivedID is derivedID for the exchange (internal/openreferral/exchange), which names the
// same rows the same way.
func DerivedID(parent, name string) string { return derivedID(parent, name) }

// LanguageCode is the ISO 639 code of a language's name, "" when we do not know it.
func LanguageCode(name string) string { return languageCodes[strings.ToLower(name)] }

package accounts

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pquerna/otp/totp"

	"dadirectory/internal/validate"
	"dadirectory/internal/validate/formtest"
)

// Fuzz targets of what people type into the account forms: the sign-in email (a look-up key
// PostgreSQL must accept), a new account's email, passwords, set-up tokens, and the users
// list's query string.

// FuzzSignInEmail: whatever is typed as the email at sign-in becomes a key PostgreSQL text
// accepts (valid UTF-8, no NUL or other control character) of at most 254 bytes.
func FuzzSignInEmail(f *testing.F) {
	for _, s := range append(formtest.Seeds, "Admin@Example.ORG ", strings.Repeat("é", 200)+"@x.org") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := cleanEmail(in)
		formtest.Storable(t, got, nil)
		if len(got) > 254 || got != strings.ToLower(got) || cleanEmail(got) != got {
			t.Fatalf("cleanEmail(%q) = %q", in, got)
		}
	})
}

// FuzzNormalizeEmail: an address accepted for a new account is lower case, plain (no display
// name, no angle brackets), storable, and normalises to itself.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range append(formtest.Seeds, "Name@Example.org", "Bob <bob@example.org>", `"a b"@example.org`, "a@b", "a@[127.0.0.1]") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := NormalizeEmail(in)
		if err != nil {
			return
		}
		formtest.Storable(t, got, nil)
		if len(got) > 254 || strings.ContainsAny(got, "<> \n") || strings.Count(got, "@") < 1 || got != strings.ToLower(got) {
			t.Fatalf("NormalizeEmail(%q) = %q", in, got)
		}
		if again, err := NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("not stable: %q -> %q -> %q %v", in, got, again, err)
		}
	})
}

// FuzzCheckPassword: a password accepted is valid UTF-8 within its bounds, so the hasher is
// never handed a megabyte; a refusal always says why.
func FuzzCheckPassword(f *testing.F) {
	for _, s := range append(formtest.Seeds, "correct horse battery staple", "password1234", strings.Repeat("x", 1025)) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		if err := CheckPassword(pw); err != nil {
			if pe, ok := err.(*PasswordError); !ok || pe.Message == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		if !utf8.ValidString(pw) || utf8.RuneCountInString(pw) < minPasswordRunes || len(pw) > maxPasswordBytes {
			t.Fatalf("accepted password of %d bytes", len(pw))
		}
	})
}

// FuzzPlausibleToken: only what could be one of our tokens reaches the database.
func FuzzPlausibleToken(f *testing.F) {
	tok, _, err := newToken()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range append(formtest.Seeds, tok, tok[:len(tok)-1], tok+"=", strings.Repeat("A", len(tok))) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if PlausibleToken(s) && (len(s) != len(tok) || strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "") {
			t.Fatalf("plausible token %q", s)
		}
	})
}

// FuzzUserFilter is the users list's query string.
func FuzzUserFilter(f *testing.F) {
	for _, s := range []string{"role=admin&active=yes", "role=root", "active=maybe", "role=%00", "role='; DROP TABLE users;--"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, errs := ParseFilter(v)
		formtest.ErrorsNameFields(t, errs, []string{"role", "active"})
		if (got.Role != "" && !got.Role.Valid()) || (got.Active != "" && got.Active != "yes" && got.Active != "no") {
			t.Fatalf("accepted %+v", got)
		}
	})
}

// FuzzAccountID is the organisation and champion-entry choices of the user form: a positive
// id, or nothing, or a field error.
func FuzzAccountID(f *testing.F) {
	for _, s := range append(formtest.Seeds, "1", "0", "-1", "9223372036854775808", "0x10", "+5", " 5") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var e validate.Errors
		id := parseID(&e, "organisation", "Choose an organisation from the list", s)
		formtest.ErrorsNameFields(t, e, []string{"organisation"})
		if id < 0 || (len(e) > 0 && id != 0) || (s == "" && (id != 0 || len(e) > 0)) {
			t.Fatalf("parseID(%q) = %d, %v", s, id, e)
		}
	})
}

// FuzzSecondFactorCode: whatever is typed as a code, it matches only when, less spaces and
// dashes, it is the app's code of a step around now, and never panics.
func FuzzSecondFactorCode(f *testing.F) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	now := time.Unix(1_800_000_000, 0)
	right, _ := totp.GenerateCode(secret, now)
	for _, s := range []string{right, right[:3] + " " + right[3:], "000000", "", "abcde-fghjk", "１２３４５６", "12345\x00", strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		step := matchStep(secret, code, now, 0)
		if step == 0 {
			return
		}
		want, _ := totp.GenerateCode(secret, time.Unix(step*totpPeriod, 0))
		if cleanCode(code) != want || step < now.Unix()/totpPeriod-1 || step > now.Unix()/totpPeriod+1 {
			t.Fatalf("%q matched step %d", code, step)
		}
		// Once used, its step never matches again.
		if s2 := matchStep(secret, code, now, step); s2 != 0 && s2 <= step {
			t.Fatalf("%q matched again at step %d", code, s2)
		}
	})
}

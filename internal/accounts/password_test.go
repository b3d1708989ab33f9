package accounts

import (
	"strings"
	"testing"
)

var fast = HashParams{MemoryKiB: 1024, Time: 1, Threads: 1}

func TestCheckPassword(t *testing.T) {
	long := "ferns grow under the old viaduct by the river " + strings.Repeat("x", 900)
	for _, ok := range []string{"correct horse battery", "Ünïcødé pässphrase", long} {
		if err := CheckPassword(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "short", "elevenchars", "Password1234", "\xff\xfe" + strings.Repeat("a", 20), strings.Repeat("a", 1025)} {
		if err := CheckPassword(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// Easy to guess, each with the reason in words (zxcvbn's estimate, score under 3).
	for pw, why := range map[string]string{
		"mnbvcxzlkjhgfds":            "a pattern of keys",
		"abcdefghijklmnop":           "a sequence",
		"abababababababab":           "repeats",
		"michaeljennifer":            "common words or names",
		"Password12345!":             "commonly used password",
		strings.Repeat("long ", 200): "repeats",
	} {
		err := CheckPassword(pw)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%.20q: %v, want it refused as %q", pw, err, why)
		}
	}
	// The person's own name and email make a guess easier.
	if err := CheckPassword("samanthajones99", "Samantha Jones", "samantha.jones@council.gov.uk"); err == nil ||
		!strings.Contains(err.Error(), "your name or email address") {
		t.Errorf("own name: %v", err)
	}
	if err := CheckPassword("samanthajones99"); err != nil {
		t.Logf("without personal words: %v", err)
	}
}

func TestHashAndVerify(t *testing.T) {
	h, err := HashPassword("a long passphrase with spaces", DefaultHashParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("PHC string %q", h)
	}
	if ok, stale, err := VerifyPassword("a long passphrase with spaces", h, DefaultHashParams); !ok || stale || err != nil {
		t.Errorf("right password: ok=%v stale=%v err=%v", ok, stale, err)
	}
	if ok, _, _ := VerifyPassword("a long passphrase with space", h, DefaultHashParams); ok {
		t.Error("wrong password accepted")
	}
	if _, stale, _ := VerifyPassword("a long passphrase with spaces", h, fast); !stale {
		t.Error("changed parameters not reported as stale")
	}
	h2, _ := HashPassword("a long passphrase with spaces", DefaultHashParams)
	if h2 == h {
		t.Error("same salt twice")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1,t=0,p=1$AAAA$AAAA", "plain"} {
		if ok, _, err := VerifyPassword("x", bad, fast); ok || err == nil {
			t.Errorf("malformed hash %q: ok=%v err=%v", bad, ok, err)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	if got, err := NormalizeEmail("  Ada.Admin@Council.Example "); err != nil || got != "ada.admin@council.example" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, bad := range []string{"", "nobody", "a@b", "Ada <ada@x.org>", "a@@x.org", "a b@x.org"} {
		if _, err := NormalizeEmail(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

package validate

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostileSeeds are what an attacker or a broken client sends to any text field; every fuzz
// target of the forms starts from them as well as from realistic values.
var hostileSeeds = []string{
	"", " ", "Women's Aid", "Clyde Valley Housing Association", "\xff\xfe", "a\x00b", "\x00",
	"<script>alert(1)</script>", "<b>bold</b>", "<img src=x onerror=alert(1)>", "under <16s", "'; DROP TABLE agencies;--",
	"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example",
	"../../etc/passwd", "line one\r\nline two", "tab\there", "\u202egpj.exe", "\u2066isolate\u2069", "e\u0301",
	strings.Repeat("a", 10000), strings.Repeat("é", 301), "\u0085next line",
}

// checkAccepted fails when an accepted value is not what every text column may hold.
func checkAccepted(t *testing.T, what, in, got string, multiline bool, max int) {
	t.Helper()
	if !utf8.ValidString(got) || utf8.RuneCountInString(got) > max || got != strings.TrimSpace(got) {
		t.Fatalf("%s(%q) accepted %q", what, in, got)
	}
	for _, r := range got {
		if unicode.IsControl(r) && r != '\t' && !(multiline && r == '\n') {
			t.Fatalf("%s(%q) accepted control character %U in %q", what, in, r, got)
		}
	}
}

// onlyField fails when an error names a field other than the one checked.
func onlyField(t *testing.T, e Errors, field string) {
	t.Helper()
	for _, fe := range e {
		if fe.Field != field || fe.Message == "" {
			t.Fatalf("error %+v, want one for %q with a message", fe, field)
		}
	}
}

// FuzzText: accepted text is valid UTF-8, trimmed, within its limit, without control
// characters (a NUL would make PostgreSQL refuse the row), and cleaning it again changes
// nothing, so a form re-shown and sent again saves the same value.
func FuzzText(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, false, true)
		f.Add(s, true, false)
	}
	f.Fuzz(func(t *testing.T, in string, multiline, required bool) {
		const max = 300
		var e Errors
		got := e.Text("f", "Field", in, required, max, multiline)
		onlyField(t, e, "f")
		if len(e) > 0 {
			return
		}
		checkAccepted(t, "Text", in, got, multiline, max)
		if required && got == "" {
			t.Fatalf("Text(%q) required but accepted empty", in)
		}
		var again Errors
		if got2 := again.Text("f", "Field", got, required, max, multiline); got2 != got || len(again) > 0 {
			t.Fatalf("Text not stable: %q -> %q -> %q %v", in, got, got2, again)
		}
	})
}

// FuzzName: a name accepted is one-line text with no HTML tag and no direction override.
func FuzzName(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var e Errors
		got := e.Name("name", "Name", in, true, 200)
		onlyField(t, e, "name")
		if len(e) > 0 {
			return
		}
		checkAccepted(t, "Name", in, got, false, 200)
		if got == "" || markupTag.MatchString(got) || strings.ContainsFunc(got, isBidiControl) {
			t.Fatalf("Name(%q) accepted %q", in, got)
		}
	})
}

// FuzzWebURL: an accepted link is absolute http(s) with a host and no credentials, so it can
// go into an href as it is; javascript:, data: and //host never pass.
func FuzzWebURL(f *testing.F) {
	for _, s := range append(hostileSeeds, "https://www.example.org/path?q=1#x", "HTTPS://EXAMPLE.ORG", "https:evil.example",
		"https://user:pw@example.org", "http://[::1]:80/", "https://example.org/\x7f", "https://ex%00ample.org",
		" javascript:alert(1)", "java\tscript:alert(1)", "\\\\evil.example", "https:/\\evil.example", "https://example.org/\u0085") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var e Errors
		got := e.WebURL("url", "Link", in)
		onlyField(t, e, "url")
		if len(e) > 0 || got == "" {
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || len(got) > 2000 {
			t.Fatalf("WebURL(%q) accepted %q", in, got)
		}
		lower := strings.ToLower(got)
		if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
			t.Fatalf("WebURL(%q) accepted %q, which does not start with its scheme", in, got)
		}
		checkAccepted(t, "WebURL", in, got, false, 2000)
		if strings.ContainsAny(got, " <>\"'\\") || strings.ContainsFunc(got, isBidiControl) {
			t.Fatalf("WebURL(%q) accepted %q, which could break out of an attribute", in, got)
		}
	})
}

// FuzzEmail: an accepted address has one @ with something either side and nothing that could
// break a mailto: link or a header.
func FuzzEmail(f *testing.F) {
	for _, s := range append(hostileSeeds, "duty@example.org", "a@b", "a@b@c.org", "<a@b.org>", "a\x00b@c.org",
		"mailto:a@b.org", "a@b.org\r\nBcc: x@y.org", "\u202ea@b.org") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var e Errors
		got := e.Email("email", "Email", in)
		onlyField(t, e, "email")
		if len(e) > 0 || got == "" {
			return
		}
		at := strings.Index(got, "@")
		if strings.Count(got, "@") != 1 || at < 1 || at == len(got)-1 || len(got) > 254 || strings.ContainsAny(got, " <>\"':;,\\") {
			t.Fatalf("Email(%q) accepted %q", in, got)
		}
		checkAccepted(t, "Email", in, got, false, 254)
	})
}

// FuzzPhone: an accepted phone number is digits only, so a tel: link made from it is safe.
func FuzzPhone(f *testing.F) {
	for _, s := range append(hostileSeeds, "0141 496 0123", "+44 (0)1632 960123", "999", "tel:999", "0800\x00027 1234") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var e Errors
		got := e.Phone("phone", "Phone", in)
		onlyField(t, e, "phone")
		if len(e) > 0 || got == "" {
			return
		}
		if strings.Trim(got, "0123456789") != "" {
			t.Fatalf("Phone(%q) accepted %q", in, got)
		}
	})
}

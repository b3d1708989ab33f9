package validate

import (
	"strings"
	"testing"
)

func TestWebURL(t *testing.T) {
	for _, ok := range []string{"https://www.example.org", "http://example.org/path?q=1", ""} {
		var e Errors
		e.WebURL("website", "Website", ok)
		if e.Err() != nil {
			t.Errorf("%q refused: %v", ok, e)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "//evil.example", "www.example.org",
		"ftp://example.org", "https://", "https://user:pw@example.org", "https://exa mple.org", "vbscript:x", "https://\"onmouseover=x"} {
		var e Errors
		e.WebURL("website", "Website", bad)
		if !e.Has("website") {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTextEmailPhone(t *testing.T) {
	var e Errors
	if got := e.Text("summary", "Summary", "  hello\r\nworld ", false, 20, true); got != "hello\nworld" || e.Err() != nil {
		t.Errorf("multiline: %q %v", got, e)
	}
	for name, tc := range map[string]struct {
		value     string
		multiline bool
		required  bool
	}{
		"too long": {strings.Repeat("é", 21), false, false}, "newline": {"a\nb", false, false}, "nul": {"a\x00b", true, false},
		"invalid utf8": {"a\xffb", false, false}, "required": {"   ", false, true},
	} {
		var e Errors
		e.Text("f", "Field", tc.value, tc.required, 20, tc.multiline)
		if !e.Has("f") {
			t.Errorf("%s accepted", name)
		}
	}
	var e2 Errors
	if e2.Email("email", "Email", "duty@example.org"); e2.Err() != nil {
		t.Error(e2)
	}
	for _, bad := range []string{"nobody", "a@b", "a b@c.org", "<a@b.org>", "a@b@c.org", "a\x00b@c.org", "a\tb@c.org",
		"help@org.uk?bcc=x@evil.example", "help@org.uk?bcc=x", "help@org.uk&cc=x", "help@org.uk%0Abcc", "help@org.uk#x",
		"help@org..uk", "help@org.uk/x", "help@-org.uk"} {
		var e Errors
		if e.Email("email", "Email", bad); !e.Has("email") {
			t.Errorf("email %q accepted", bad)
		}
	}
	var e3 Errors
	if got := e3.Phone("phone", "Phone", "0141 496 0123"); got != "01414960123" || e3.Err() != nil {
		t.Errorf("phone: %q %v", got, e3)
	}
	if e3.Phone("phone", "Phone", "call me"); !e3.Has("phone") {
		t.Error("bad phone accepted")
	}
}

// Names and titles are plain text: tags and direction overrides are refused with a message,
// while the ordinary punctuation of names, and a "<" that starts no tag, are kept.
func TestName(t *testing.T) {
	for _, ok := range []string{"Women's Aid", "Under <16s & families", "Love <3", "O'Brien; Smith"} {
		var e Errors
		if got := e.Name("name", "Name", "  "+ok+" ", true, 200); got != ok || e.Err() != nil {
			t.Errorf("%q: %q %v", ok, got, e)
		}
	}
	for _, bad := range []string{"<script>alert(1)</script>", "A <b>bold</b> name", "x</title>", "<!-- x -->", "< img src=x>",
		"abc\u202egpj.exe", "\u2066x\u2069", "a\x00b", "a\nb", "", strings.Repeat("a", 201)} {
		var e Errors
		if e.Name("name", "Name", bad, true, 200); !e.Has("name") || len(e) != 1 {
			t.Errorf("%q: %v", bad, e)
		}
	}
}

package web

import (
	"bytes"
	"strings"
	"testing"
)

func TestStylesheetIsServedWithoutComments(t *testing.T) {
	a, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	u := a.URL("site.css")
	body := a.files[strings.TrimPrefix(u, "/static/")].body
	src, err := files.ReadFile("static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(body, []byte("/*")) || !bytes.Contains(src, []byte("/*")) || len(body) >= len(src) {
		t.Errorf("served %d bytes of %d, comments left: %v", len(body), len(src), bytes.Contains(body, []byte("/*")))
	}
	// Spacing goes, but not inside strings, where it is shown.
	got, err := minifyCSS([]byte("a { b: c; } /* why */\nd::before { content: attr(x) \": \"; }\n"))
	if err != nil || string(got) != `a{b:c}d::before{content:attr(x)": "}` {
		t.Errorf("minifyCSS: %q, %v", got, err)
	}
	// The page's CSS and script stay within issue 6's 30 KB.
	if len(body) > 28_000 {
		t.Errorf("site.css is served as %d bytes: the page's CSS and script must stay under 30 KB", len(body))
	}
}

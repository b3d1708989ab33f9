package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// TestAnonymousVisitorsLeaveNoTrace: a visitor who is not signed in gets no cookie, and the
// pages ask nothing of any server but the directory's own (no fonts, analytics or scripts
// from elsewhere).
func TestAnonymousVisitorsLeaveNoTrace(t *testing.T) {
	ctx := newTab(t)
	a := newApp(t)
	tr := watchTraffic(t, ctx)
	for _, p := range []string{
		"/", "/directory", "/directory?q=refuge", "/directory?q=zzzzqqq", "/directory?area=nowhere",
		"/agencies/" + publicAgency(t), "/contacts", "/contacts/print", "/safety", "/no-such-page",
	} {
		open(t, ctx, a.URL+p)
		if c := eval[string](t, ctx, `document.cookie`); c != "" {
			t.Errorf("%s: document.cookie is %q", p, c)
		}
	}

	cookies, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{a.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies.Cookies {
		t.Errorf("cookie %s set for %s%s", c.Name, c.Domain, c.Path)
	}
	tr.mu.Lock()
	for _, sc := range tr.setCookies {
		t.Errorf("Set-Cookie sent: %s", sc)
	}
	tr.mu.Unlock()
	tr.checkHosts(t, a.URL) // the neutral page's server is allowed only when someone exits
}

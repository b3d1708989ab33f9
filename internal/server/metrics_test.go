package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestMetricsOnTheirOwnListenerOnly(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, p := range []string{"/agencies/galop", "/agencies/no-such-agency", "/directory?q=secretword", "/random/probe/path"} {
		a.get(t, p)
	}
	a.postLogin(t, url.Values{"email": {"nobody@example.org"}, "password": {"wrong passphrase"}}, nil, nil)
	if resp, _ := a.get(t, "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public listener: %d, want 404", resp.StatusCode)
	}

	if err := a.srv.directory.Sync(t.Context()); err != nil { // a notification heard
		t.Fatal(err)
	}
	ms := httptest.NewServer(a.srv.MetricsHandler())
	t.Cleanup(ms.Close)
	resp, err := http.Get(ms.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`dadirectory_http_requests_total{code="200",method="GET",route="/agencies/{slug}"} 1`,
		`dadirectory_http_requests_total{code="404",method="GET",route="/agencies/{slug}"} 1`,
		`dadirectory_http_requests_total{code="404",method="GET",route="unmatched"} 2`, // /random/probe/path and /metrics
		`dadirectory_http_request_duration_seconds_bucket{method="GET",route="/directory",le="+Inf"} 1`,
		`dadirectory_sign_ins_total{outcome="failed"} 1`,
		`dadirectory_db_pool_connections{state="idle"}`,
		`dadirectory_db_pool_waits_total`,
		`dadirectory_index_healthy 1`,
		`dadirectory_index_rebuilds_total`,
		`dadirectory_index_last_notification_age_seconds`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	m := regexp.MustCompile(`(?m)^dadirectory_index_documents\{visibility="public"\} (\d+)$`).FindStringSubmatch(body)
	if n, _ := strconv.Atoi(append(m, "", "0")[1]); n < 10 {
		t.Errorf("public documents in the index: %v", m)
	}
	for _, secret := range []string{"secretword", "probe", "nobody@", "galop"} {
		if strings.Contains(body, secret) {
			t.Errorf("metrics repeat %q: labels must be route patterns, not what people typed", secret)
		}
	}
}

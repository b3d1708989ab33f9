package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"dadirectory/internal/directory"
)

// countingWriter is a ResponseWriter that keeps nothing: it counts bytes and lines, so the
// stream's memory is the handler's own.
type countingWriter struct {
	h            http.Header
	bytes, lines int
}

func (c *countingWriter) Header() http.Header { return c.h }
func (c *countingWriter) WriteHeader(int)     {}
func (c *countingWriter) Write(b []byte) (int, error) {
	c.bytes += len(b)
	c.lines += bytes.Count(b, []byte{'\n'})
	return len(b), nil
}
func (c *countingWriter) Flush() {}

// BenchmarkOpenReferralServices: a page of 50 services found by the site's search (kept until
// the directory changes, as the HTML search is), and one more page of 1000 read afresh.
func BenchmarkOpenReferralServices(b *testing.B) {
	h, _, _ := benchHandler(b)
	h = openDataUnlimited(h)
	for _, path := range []string{"/openreferral/v3/services?search=support", "/openreferral/v3/services?per_page=50&page=3"} {
		b.Run(path, func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
			}
		})
	}
}

// BenchmarkOpenReferralNDJSON streams every public service and reports the heap in use
// after the stream (the index included), which the stream does not grow with the number of
// agencies: it holds one batch at a time.
func BenchmarkOpenReferralNDJSON(b *testing.B) {
	h, pool, _ := benchHandler(b)
	h = openDataUnlimited(h)
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM agencies a WHERE `+directory.PublicAgency).Scan(&n); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		w := &countingWriter{h: http.Header{}}
		runtime.GC()
		h.ServeHTTP(w, httptest.NewRequest("GET", "/openreferral/v3/services?format=ndjson", nil))
		var during runtime.MemStats
		runtime.ReadMemStats(&during)
		b.ReportMetric(float64(during.HeapInuse)/1e6, "heapMB")
		if w.lines != n {
			b.Fatalf("%d services streamed, want %d", w.lines, n)
		}
		b.ReportMetric(float64(w.lines), "services/op")
		b.ReportMetric(float64(w.bytes)/1e6, "MB/op")
	}
}

// openDataUnlimited sends each request from its own address, so the per-client limit (600 a
// minute by default) does not stop a benchmark that asks thousands of times a second.
func openDataUnlimited(h http.Handler) http.Handler {
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		r.RemoteAddr = "10." + itoa(n>>16&255) + "." + itoa(n>>8&255) + "." + itoa(n&255) + ":1234"
		h.ServeHTTP(w, r)
	})
}

func itoa(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

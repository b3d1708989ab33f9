package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"time"
)

// streamResult is issue 15's other figure: every public service as newline-delimited JSON in
// one answer, and how much memory the app held while it streamed (a stream that built the
// whole answer first would need several times the 150 MB).
type streamResult struct {
	Lines    int
	Bytes    int64
	Took     time.Duration
	RSSStart int64 // VmRSS before the stream, bytes
	RSSPeak  int64 // largest VmRSS sampled during it
}

// streamAll reads /openreferral/v3/services?format=ndjson to its end, sampling the app's
// resident memory as it goes.
func streamAll(ctx context.Context, a *app) (streamResult, error) {
	var res streamResult
	path := "/proc/" + fmt.Sprint(a.p.cmd.Process.Pid) + "/status"
	_, res.RSSStart, _ = readStatus(path)
	m := sampleMemory(a.p.cmd.Process.Pid, 20*time.Millisecond)
	defer m.stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+"/openreferral/v3/services?format=ndjson", nil)
	if err != nil {
		return res, err
	}
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return res, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return res, fmt.Errorf("format=ndjson: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		res.Lines++
		res.Bytes += int64(len(sc.Bytes())) + 1
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("format=ndjson: %w", err)
	}
	res.Took = time.Since(start)
	_, res.RSSPeak = m.peak()
	return res, nil
}

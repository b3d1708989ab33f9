// Package metrics exposes what the app is doing in the Prometheus text format: requests by
// route and status, their durations, the database pool, the search index, the job queue and
// sign-in outcomes. It has a registry of its own, served only on METRICS_ADDR, never on the
// public listener. Labels are route patterns and fixed words, never paths, people or queries.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"dadirectory/internal/directory"
)

const namespace = "dadirectory"

// Metrics is the app's registry and the instruments handlers feed.
type Metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	signIns  *prometheus.CounterVec
}

// New registers the process's and Go runtime's own metrics, the request and sign-in
// instruments, and collectors that read the pool, the index and the job queue at each scrape.
func New(pool *pgxpool.Pool, index func() directory.IndexStats) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Name: "http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Name: "sign_ins_total",
			Help: "Sign-in attempts by outcome: success, failed (wrong email or password), throttled, busy (hasher queue full).",
		}, []string{"outcome"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.signIns,
		poolCollector{pool},
		indexCollector{index},
		queueCollector{pool},
	)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorLog: nil, Timeout: 10 * time.Second})
}

// Request records one answered request. route is the matched pattern ("" when none matched:
// counted as "unmatched", so probes for random paths cannot grow the label set).
func (m *Metrics) Request(route, method string, code int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost:
	default:
		method = "other"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// SignIn counts a sign-in outcome.
func (m *Metrics) SignIn(outcome string) { m.signIns.WithLabelValues(outcome).Inc() }

var (
	poolConns = prometheus.NewDesc(namespace+"_db_pool_connections", "Database connections in the pool, by state.", []string{"state"}, nil)
	poolMax   = prometheus.NewDesc(namespace+"_db_pool_max_connections", "The pool's size limit.", nil, nil)
	poolAcq   = prometheus.NewDesc(namespace+"_db_pool_acquires_total", "Connections taken from the pool.", nil, nil)
	poolWaits = prometheus.NewDesc(namespace+"_db_pool_waits_total", "Acquires that had to wait because no connection was idle.", nil, nil)
	poolWait  = prometheus.NewDesc(namespace+"_db_pool_acquire_seconds_total", "Time spent acquiring connections.", nil, nil)
	poolCanc  = prometheus.NewDesc(namespace+"_db_pool_canceled_acquires_total", "Acquires given up before a connection came.", nil, nil)
)

// poolCollector reads pgxpool's statistics at each scrape.
type poolCollector struct{ pool *pgxpool.Pool }

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolConns, poolMax, poolAcq, poolWaits, poolWait, poolCanc} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.AcquiredConns()), "in_use")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.IdleConns()), "idle")
	ch <- prometheus.MustNewConstMetric(poolConns, prometheus.GaugeValue, float64(st.ConstructingConns()), "opening")
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(st.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcq, prometheus.CounterValue, float64(st.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(st.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWait, prometheus.CounterValue, st.AcquireDuration().Seconds())
	ch <- prometheus.MustNewConstMetric(poolCanc, prometheus.CounterValue, float64(st.CanceledAcquireCount()))
}

var (
	indexUp       = prometheus.NewDesc(namespace+"_index_healthy", "1 when the search index is built and in touch with the database (answering), else 0.", nil, nil)
	indexDocs     = prometheus.NewDesc(namespace+"_index_documents", "Agencies in the search index, by who may see them.", []string{"visibility"}, nil)
	indexVersion  = prometheus.NewDesc(namespace+"_index_version", "The search index's version: it changes with every change applied.", nil, nil)
	indexAge      = prometheus.NewDesc(namespace+"_index_last_notification_age_seconds", "Seconds since the index last heard from the database (heartbeats arrive every second).", nil, nil)
	indexRebuilds = prometheus.NewDesc(namespace+"_index_rebuilds_total", "Whole rebuilds of the search index since start.", nil, nil)
)

// indexCollector reads the search index's statistics at each scrape.
type indexCollector struct{ stats func() directory.IndexStats }

func (c indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{indexUp, indexDocs, indexVersion, indexAge, indexRebuilds} {
		ch <- d
	}
}

func (c indexCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	up := 0.0
	if st.Built && st.Healthy {
		up = 1
	}
	ch <- prometheus.MustNewConstMetric(indexUp, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(indexDocs, prometheus.GaugeValue, float64(st.Documents), "all")
	ch <- prometheus.MustNewConstMetric(indexDocs, prometheus.GaugeValue, float64(st.Public), "public")
	ch <- prometheus.MustNewConstMetric(indexVersion, prometheus.GaugeValue, float64(st.Version))
	if !st.LastHeard.IsZero() {
		ch <- prometheus.MustNewConstMetric(indexAge, prometheus.GaugeValue, time.Since(st.LastHeard).Seconds())
	}
	ch <- prometheus.MustNewConstMetric(indexRebuilds, prometheus.CounterValue, float64(st.Rebuilds))
}

var queueJobs = prometheus.NewDesc(namespace+"_jobs", "Jobs in the queue (mail, reminders), by kind and state: available and retryable ones wait, discarded ones failed for good.", []string{"kind", "state"}, nil)

// queueCollector counts River's jobs by kind and state at each scrape.
type queueCollector struct{ pool *pgxpool.Pool }

func (c queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueJobs }

func (c queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.pool.Query(ctx, `SELECT kind, state::text, count(*) FROM river_job GROUP BY 1, 2`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueJobs, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var kind, state string
		var n int64
		if err := rows.Scan(&kind, &state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(queueJobs, err)
			return
		}
		ch <- prometheus.MustNewConstMetric(queueJobs, prometheus.GaugeValue, float64(n), kind, state)
	}
	if err := rows.Err(); err != nil {
		ch <- prometheus.NewInvalidMetric(queueJobs, err)
	}
}

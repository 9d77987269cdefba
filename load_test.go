package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"delegate/store"
)

// BenchmarkLoadRegistrations drives the real server over TCP: clients
// post b.N registrations through POST /api/v1/registrations, 16 at a time
// (a busy morning) and 128 at a time (saturation). In the same run it
// measures single-row commits of raw SQLite with the same pragmas on the
// same disk, the ceiling of any one-at-a-time durable write.
//
//	go test -run '^$' -bench LoadRegistrations -benchtime 6000x .
func BenchmarkLoadRegistrations(b *testing.B) {
	for _, clients := range []int{16, 128} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			res := loadRun(b, clients, b.N)
			b.ReportMetric(res.rps, "req/s")
			b.ReportMetric(res.p99.Seconds()*1000, "p99-ms")
			b.ReportMetric(res.p50.Seconds()*1000, "p50-ms")
			b.ReportMetric(res.raw, "raw-commits/s")
			b.ReportMetric(res.rps/res.raw, "ratio")
		})
	}
}

// TestLoadRunWorks keeps the load run working between benchmark runs.
func TestLoadRunWorks(t *testing.T) {
	t.Parallel()
	res := loadRun(t, 8, 200)
	if res.rps <= 0 || res.p99 <= 0 || res.raw <= 0 {
		t.Errorf("load run: %+v", res)
	}
}

type loadResult struct {
	rps, raw float64
	p50, p99 time.Duration
}

// loadRun posts n registrations from clients goroutines to a fresh server
// and measures raw commits after.
func loadRun(tb testing.TB, clients, n int) loadResult {
	dir := tb.TempDir()
	base, stop := startServer(tb, map[string]string{"DELEGATE_DB": filepath.Join(dir, "load.db"), "DELEGATE_RATE_LIMIT": "0"})
	defer stop()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	// Bodies are made before the clock starts, as a load generator sends
	// prepared requests.
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i], _ = json.Marshal(loadRegistration(i))
	}
	var next atomic.Int64
	lat := make([]time.Duration, n)
	var failures atomic.Int64
	var wg sync.WaitGroup
	if b, ok := tb.(*testing.B); ok {
		b.ResetTimer()
	}
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(base+"/api/v1/registrations", "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					failures.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[i] = time.Since(t0)
				if resp.StatusCode != http.StatusCreated {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if b, ok := tb.(*testing.B); ok {
		b.StopTimer()
	}
	if f := failures.Load(); f > 0 {
		tb.Fatalf("%d of %d registrations failed", f, n)
	}
	slices.Sort(lat)
	return loadResult{rps: float64(n) / elapsed.Seconds(), p50: lat[n/2], p99: lat[n*99/100],
		raw: rawCommitRate(tb, filepath.Join(dir, "raw.db"), min(n, 3000))}
}

// rawCommitRate is how many single-row transactions a second raw SQLite
// commits with the store's pragmas, one connection, one after another.
func rawCommitRate(b testing.TB, path string, n int) float64 {
	db, err := sql.Open("sqlite3", store.DSN(path)+"&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := time.Now()
	for i := range n {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec("INSERT INTO t (v) VALUES (?)", fmt.Sprint("row ", i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return float64(n) / time.Since(start).Seconds()
}

func loadRegistration(i int) map[string]any {
	return map[string]any{
		"title": "Dr", "given_names": "Nguyễn Thị", "family_name": "Hương", "email": fmt.Sprintf("load%d@example.vn", i),
		"organisation": "Hà Nội Department of Education", "job_title": "Education Officer", "country": "VN",
		"category": "city_official", "language": "en", "arrival_date": "2015-09-27", "departure_date": "2015-10-01",
		"arrival_flight": "VN 123", "dietary": []string{"vegetarian"}, "consent_privacy": true,
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"delegate/testtool"
)

// TestReplicationDrill is the restore drill: the server runs with
// Litestream replicating its database to a path; clients register; the
// server is killed with SIGKILL in the middle, and Litestream stopped a second
// later; the replica is restored into a new file with
// docs/deploy/restore.sh, delegate starts on it, and every registration
// that was acknowledged is there. Then the same
// with both killed at once, as when the machine dies: what is lost is the
// registrations of the last moments, which Litestream had not shipped (a
// sync interval of 200 ms here, and the lag of a loaded machine).
func TestReplicationDrill(t *testing.T) {
	t.Parallel()
	// Both drills run a busy morning, not a flood: a registration every
	// 10 ms from each of six clients (some 330 a second, far past any
	// conference's rate).
	litestream := testtool.Command(t, "go install github.com/benbjohnson/litestream/cmd/litestream@v0.5.18", "litestream")
	testtool.Command(t, "apt-get install -y sqlite3", "sqlite3")
	// the configuration the README gives is one Litestream reads
	if out, err := exec.Command(litestream, "databases", "-config", "docs/deploy/litestream.yml").CombinedOutput(); err != nil ||
		!strings.Contains(string(out), "/var/lib/delegate/delegate.db") {
		t.Errorf("docs/deploy/litestream.yml: %v\n%s", err, out)
	}
	acked, missing, total := drill(t, litestream, time.Second, 10*time.Millisecond)
	if acked < 50 || missing > 0 {
		t.Errorf("%d registrations acknowledged, %d of them missing from the restored copy (which holds %d)", acked, missing, total)
	}
	t.Logf("server killed, Litestream stopped a second later: %d registrations acknowledged in 3 s, all in the restored copy (which holds %d)", acked, total)
	acked, missing, total = drill(t, litestream, 0, 10*time.Millisecond)
	// what was lost, in seconds of registrations at the rate they came
	lost := time.Duration(float64(missing) / float64(acked) * float64(3*time.Second))
	if acked < 50 || total == 0 || lost > 2500*time.Millisecond {
		t.Errorf("both killed at once: %d of %d acknowledged registrations lost (%v of them)", missing, acked, lost)
	}
	t.Logf("both killed at once: %d acknowledged, %d lost, the last %v of them; %d restored", acked, missing, lost.Round(10*time.Millisecond), total)
}

// drill runs the server and Litestream, registers for 3 s (each client
// pausing pause between requests), kills the server and, gap later,
// Litestream; restores; and counts.
func drill(t *testing.T, litestream string, gap, pause time.Duration) (acked, missing, total int) {
	t.Helper()
	dir := t.TempDir()
	dbPath, replica, restored := filepath.Join(dir, "live.db"), filepath.Join(dir, "replica"), filepath.Join(dir, "restored.db")
	secret := strings.Repeat("ef", 32)

	// the server first, so that the database exists in WAL mode
	server, base := startChild(t, dbPath, secret)
	config := filepath.Join(dir, "litestream.yml")
	os.WriteFile(config, []byte(fmt.Sprintf("dbs:\n  - path: %s\n    monitor-interval: 100ms\n    replica:\n      type: file\n      path: %s\n      sync-interval: 200ms\n", dbPath, replica)), 0o600)
	var lsOut bytes.Buffer
	ls := exec.Command(litestream, "replicate", "-config", config)
	ls.Stdout, ls.Stderr = &lsOut, &lsOut
	if err := ls.Start(); err != nil {
		t.Fatal(err)
	}
	defer ls.Process.Kill()
	// the load begins once Litestream holds the database (its first
	// snapshot shipped), as when it runs before the server starts: a flood
	// from the first moment can keep it from taking its locks
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if ltx, _ := filepath.Glob(filepath.Join(replica, "ltx", "*", "*.ltx")); len(ltx) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Litestream shipped nothing in 10 s:\n%s", lsOut.String())
		}
	}

	load := registerFrom(base, 6, pause)
	time.Sleep(3 * time.Second)
	server.Process.Kill() // the machine's server dies mid-stream
	server.Wait()
	acknowledged := load.stop()
	if gap > 0 {
		// the server died, the machine did not: Litestream ships the last
		// pages and is stopped as systemd stops it
		time.Sleep(gap)
		ls.Process.Signal(syscall.SIGTERM)
	} else {
		ls.Process.Kill() // the machine died with both
	}
	ls.Wait()

	// restored as the README says, with docs/deploy/restore.sh: checked
	// by SQLite, and a transaction the server died writing stepped over
	restore := exec.Command("docs/deploy/restore.sh", restored, "file://"+replica)
	restore.Env = append(os.Environ(), "PATH="+filepath.Dir(litestream)+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := restore.CombinedOutput()
	if err != nil {
		t.Fatalf("restore: %v\n%s\nlitestream: %s", err, out, lsOut.String())
	}
	t.Logf("%s", bytes.TrimSpace(out))
	// delegate starts on the restored file and serves it
	restart, stopRestart := startServer(t, map[string]string{"DELEGATE_DB": restored, "DELEGATE_SECRET": secret})
	resp, err := http.Get(restart + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the restored server: %v", err)
	}
	resp.Body.Close()
	if err := stopRestart(); err != nil {
		t.Fatal(err)
	}
	db, err := openCampaignStore(restored, secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, ref := range acknowledged {
		if _, err := db.FindRegistration(context.Background(), ref); err != nil {
			missing++
		}
	}
	st, _ := db.Stats(context.Background())
	return len(acknowledged), missing, st.Total
}

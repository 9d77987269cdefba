package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"delegate/store"
)

// TestMain lets the test binary act as the server in a child process, so
// that a test can kill it the hard way.
func TestMain(m *testing.M) {
	if kind, ok := strings.CutPrefix(os.Getenv("DELEGATE_TEST_CHILD"), "campaign:"); ok {
		if err := childCampaign(os.Getenv("DELEGATE_DB"), os.Getenv("DELEGATE_SECRET"), kind); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv("DELEGATE_TEST_CHILD") == "serve" {
		if err := run(context.Background(), []string{"serve", "-addr", "127.0.0.1:0"}, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKilledServerLosesNothingAcknowledged registers delegates from many
// clients, kills the server with SIGKILL in the middle, and checks that
// every registration that was answered 201, and its confirmation in the
// outbox, is in the database afterwards.
func TestKilledServerLosesNothingAcknowledged(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "crash.db")
	secret := strings.Repeat("cd", 32)
	cmd, base := startChild(t, dbPath, secret)
	load := registerFrom(base, 8, 0)
	// kill in the middle of the stream: once 100 registrations are answered
	deadline := time.Now().Add(20 * time.Second)
	for load.count() < 100 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown at all
		t.Fatal(err)
	}
	cmd.Wait()
	acknowledged := load.stop()
	if len(acknowledged) < 20 {
		t.Fatalf("only %d registrations before the kill", len(acknowledged))
	}

	ctx := context.Background()
	cfg := config{dbPath: dbPath, secret: secret}
	db, err := cfg.open(ctx)
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer db.Close()
	lost := 0
	for _, ref := range acknowledged {
		r, err := db.FindRegistration(ctx, ref)
		if err != nil {
			lost++
			t.Errorf("acknowledged %s is lost: %v", ref, err)
		} else if msgs, _ := db.FindOutbox(ctx, store.OutboxFilter{RegistrationID: r.ID}); len(msgs) != 1 || msgs[0].Kind != mailFor(r.Status) {
			lost++
			t.Errorf("%s (%s): its message is not in the outbox: %d messages", ref, r.Status, len(msgs))
		}
		if lost == 5 {
			t.Fatal("…")
		}
	}
	t.Logf("%d registrations acknowledged before the kill, all found", len(acknowledged))
}

// mailFor is the message a new registration with status is told by.
func mailFor(status string) string {
	if status == store.StatusWaitlisted {
		return store.MailWaitlisted
	}
	return store.MailReceived
}

// startChild runs the test binary as the server on dbPath, in a process of
// its own that a test can kill, and returns it and its address.
func startChild(t *testing.T, dbPath, secret string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DELEGATE_TEST_CHILD=serve", "DELEGATE_DB="+dbPath, "DELEGATE_SECRET="+secret,
		"DELEGATE_RATE_LIMIT=0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	var base string
	lines := bufio.NewScanner(out)
	for base == "" && lines.Scan() {
		if m := regexp.MustCompile(`serving (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatal("the child server did not start")
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return cmd, base
}

// registering is registrations posted from many clients until stopped.
type registering struct {
	mu           sync.Mutex
	acknowledged []string
	done         chan struct{}
	wg           sync.WaitGroup
}

// registerFrom starts clients posting registrations to base, each pausing
// pause between them, and keeps the references answered 201.
func registerFrom(base string, clients int, pause time.Duration) *registering {
	l := &registering{done: make(chan struct{})}
	client := &http.Client{Timeout: 5 * time.Second}
	for w := range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.done:
					return
				default:
				}
				body, _ := json.Marshal(map[string]any{"given_names": "Ана", "family_name": fmt.Sprint("Коваленко ", w, "-", i),
					"email": fmt.Sprintf("w%d-%d@example.ua", w, i), "organisation": "Kyiv City Council", "job_title": "Officer",
					"country": "UA", "category": "member_state", "consent_privacy": true})
				resp, err := client.Post(base+"/api/v1/registrations", "application/json", bytes.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				var r struct{ Reference string }
				json.NewDecoder(resp.Body).Decode(&r)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					l.mu.Lock()
					l.acknowledged = append(l.acknowledged, r.Reference)
					l.mu.Unlock()
				}
				time.Sleep(pause)
			}
		}()
	}
	return l
}

func (l *registering) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acknowledged)
}

// stop ends the clients and returns what was acknowledged.
func (l *registering) stop() []string {
	close(l.done)
	l.wg.Wait()
	return l.acknowledged
}

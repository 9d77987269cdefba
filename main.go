// Command delegate is the registration and logistics service of the Second
// International Conference on Learning Cities: one binary that serves the
// public pages, the delegates' private pages, the organisers' API and the
// background workers, on one SQLite file.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "delegate:", err)
		os.Exit(1)
	}
}

// run is the whole program: it reads the subcommand and its flags (with the
// environment as defaults) and runs it until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "token":
		return tokenCommand(ctx, args, getenv, stdout, stderr)
	case "backup":
		return backupCommand(ctx, args, getenv, stdout, stderr)
	case "demo":
		return demoCommand(ctx, args, getenv, stdout, stderr)
	case "purge-passports":
		return purgeCommand(ctx, args, getenv, stdout, stderr)
	case "purge":
		return retainCommand(ctx, args, getenv, stdout, stderr)
	case "new-edition":
		return newEditionCommand(ctx, args, getenv, stdin, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  delegate [serve] [-addr A] [-db FILE] [-base-url URL]   run the web server and the workers
  delegate user add --email E --role R                    create or update an organiser (password on stdin)
  delegate user reset-2fa --email E                       remove an organiser's second factor (a lost phone)
  delegate token create --name N --role R                 print a new API token
  delegate backup FILE                                    copy the live database to FILE
  delegate demo --registrations N                         add N sample registrations
  delegate new-edition --from OLD.db [--start D --end D] NEW.db   the next edition from this one: settings, organisers, no delegates
  delegate purge [--dry-run]                              apply the retention settings (or list what would go)
  delegate purge-passports [--after DAYS]                 erase passport data after the conference
roles: viewer, desk, finance, admin
`

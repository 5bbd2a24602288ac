package deploy

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines
// joined: the keyword upper-cased, the rest as written.
type instruction struct{ keyword, args string }

// stage is one FROM and the instructions after it.
type stage struct {
	image, alias string
	body         []instruction
}

// parseDockerfile reads the stages of a Dockerfile, with ARG defaults
// declared before the first FROM substituted into FROM lines.
func parseDockerfile(t *testing.T, path string) []stage {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		stages  []stage
		globals = map[string]string{}
		pending string
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") || (line == "" && pending == "") {
			continue
		}
		if cont, ok := strings.CutSuffix(line, "\\"); ok {
			pending += cont + " "
			continue
		}
		line, pending = pending+line, ""
		keyword, args, _ := strings.Cut(line, " ")
		in := instruction{keyword: strings.ToUpper(keyword), args: strings.TrimSpace(args)}
		switch {
		case in.keyword == "ARG" && len(stages) == 0:
			name, value, _ := strings.Cut(in.args, "=")
			globals[name] = value
		case in.keyword == "FROM":
			fields := strings.Fields(os.Expand(in.args, func(k string) string { return globals[k] }))
			s := stage{image: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				s.alias = fields[2]
			}
			stages = append(stages, s)
		case len(stages) > 0:
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return stages
}

// numericUser matches USER uid or uid:gid in numbers.
var numericUser = regexp.MustCompile(`^(\d+)(:(\d+))?$`)

// dockerfileProblems lists how a Dockerfile breaks camket's image rules:
// multi-stage; every base image pinned (a version tag or digest; scratch
// and earlier stages need none); the final stage runs as a numeric non-root
// user, copies the binary from a build stage and runs camket.
func dockerfileProblems(stages []stage) []string {
	var problems []string
	if len(stages) < 2 {
		return append(problems, "not a multi-stage build")
	}
	aliases := map[string]bool{}
	for _, s := range stages {
		if s.image != "scratch" && !aliases[s.image] {
			if problem := imagePinProblem(s.image); problem != "" {
				problems = append(problems, problem)
			}
		}
		aliases[s.alias] = true
	}
	final := stages[len(stages)-1]
	user, copiesBinary, entrypoint := "", false, ""
	for _, in := range final.body {
		switch in.keyword {
		case "USER":
			user = in.args
		case "COPY":
			copiesBinary = copiesBinary || (strings.Contains(in.args, "--from=") && strings.HasSuffix(in.args, "/usr/local/bin/camket"))
		case "ENTRYPOINT":
			entrypoint = in.args
		}
	}
	if m := numericUser.FindStringSubmatch(user); m == nil {
		problems = append(problems, "final stage USER "+strconv.Quote(user)+" is not a numeric user")
	} else if m[1] == "0" || m[3] == "0" {
		problems = append(problems, "final stage runs as root ("+user+")")
	}
	if !copiesBinary {
		problems = append(problems, "final stage does not copy the built camket binary")
	}
	if entrypoint != `["/usr/local/bin/camket"]` {
		problems = append(problems, "entrypoint "+strconv.Quote(entrypoint)+" is not camket")
	}
	return problems
}

// deploy/Dockerfile builds a small, non-root image from pinned bases, with
// the Go release go.mod names.
func TestDockerfileBuildsANonRootImageFromPinnedBases(t *testing.T) {
	stages := parseDockerfile(t, "Dockerfile")
	for _, problem := range dockerfileProblems(stages) {
		t.Error(problem)
	}
	if final := stages[len(stages)-1].image; final != "scratch" {
		t.Errorf("final image %s, want scratch (no shell, nothing but camket)", final)
	}
	goMod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(goMod)
	if goVersion == nil || stages[0].image != "golang:"+string(goVersion[1])+"-bookworm" {
		t.Errorf("build stage %s, want the Go release of go.mod (%s)", stages[0].image, goVersion)
	}
}

// The check can fail: a single-stage-like Dockerfile on unpinned images,
// running as root, yields each problem.
func TestDockerfileCheckCatchesALaxDockerfile(t *testing.T) {
	got := strings.Join(dockerfileProblems(parseDockerfile(t, filepath.Join("testdata", "Dockerfile.lax"))), "\n")
	for _, want := range []string{"image golang has no tag", "debian:latest uses the latest tag",
		"runs as root", "does not copy the built camket binary", "is not camket"} {
		if !strings.Contains(got, want) {
			t.Errorf("problems do not mention %q; got:\n%s", want, got)
		}
	}
	if got := dockerfileProblems(parseDockerfile(t, filepath.Join("testdata", "Dockerfile.named-user"))); len(got) != 1 ||
		!strings.Contains(got[0], `USER "nonroot" is not a numeric user`) {
		t.Errorf("a named user: problems %q, want only the non-numeric USER", got)
	}
}

module reloader/bench/go-webhook

go 1.19

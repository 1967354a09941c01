module reloader/tools/helm-template

go 1.19

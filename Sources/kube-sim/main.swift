// The kube-sim executable arrives with the simulator (issue 4); until then it only says so.
print("kube-sim: not built yet")

print("reloader")

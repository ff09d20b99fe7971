print("gradflow: under construction")

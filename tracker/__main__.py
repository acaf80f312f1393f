from tracker.cli.launch import main

main()

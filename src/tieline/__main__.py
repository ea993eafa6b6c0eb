from tieline.cli.app import main

main()

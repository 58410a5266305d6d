from consult.cli import main

main()

# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
LABEL org.opencontainers.image.authors="`"Ops`" <ops@example.com> C:\temp"
COPY tools\setup.ps1 C:\setup\
RUN choco install -y git ; `
    pip install awscli
CMD ["app.exe", "--port", "80"]
